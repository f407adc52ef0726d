"""Quote matching's hints and edges, figures and dates: what a misquote's hint says."""
