"""One module per command (`autograder <verb>`): each imports the core and
settings, never another verb."""
