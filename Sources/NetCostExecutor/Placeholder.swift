import NetCost
