"""The builder's publish path, in process: staging, atomic writes, scratch and stale files."""
