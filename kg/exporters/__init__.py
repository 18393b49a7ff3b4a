"""One module per export family: JSON-LD, nanopublication datasets, OWL, graph formats, VoID."""
