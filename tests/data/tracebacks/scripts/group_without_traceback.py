import sys, traceback
# A BaseExceptionGroup whose sub-exceptions have no traceback of their own: each box holds only its exception line
raise BaseExceptionGroup("bare", [KeyboardInterrupt(), ValueError("x")])
