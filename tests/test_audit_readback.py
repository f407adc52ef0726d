"""The audit read back from small outputs kept in the tree (fast: no render)."""
