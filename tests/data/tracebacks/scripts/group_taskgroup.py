import asyncio

async def boom(text):
    raise ValueError(text)

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(boom("a"))
        tg.create_task(boom("b"))

asyncio.run(main())
