"""Synthetic national-scale data (``generate_demo_data``): the catalogue it draws from, the
generator, and the bulk writer it uses. Not used by any page."""
