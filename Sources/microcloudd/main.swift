print("microcloudd")
