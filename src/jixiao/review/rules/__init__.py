"""Rule families, one module each: completeness, measurability, consistency, arithmetic, copying."""
