"""What the citation check and reference validation say: codes, locations, messages and hints."""
