print("microcloud")
