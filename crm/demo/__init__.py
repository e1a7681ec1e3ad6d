"""Demo data: the district report's figures (district scale) and a province-sized benchmark."""
