"""Safe YAML: the messages and locations of rarer YAML errors."""
