compile("x = (1,\n", "<generated>", "exec")
