print("netcost")
