"""Compile motions into partner kits: rendering, kit folders, zips and the catalog."""
