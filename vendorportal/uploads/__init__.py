"""Files kept in the database, byte for byte, with their SHA-256."""
