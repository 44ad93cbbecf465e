"""Base maps without internet: vector layers, local MBTiles packs, online XYZ; GCJ-02."""
