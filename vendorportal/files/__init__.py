"""Stored files (bytes in the database, with their SHA-256) and evidence; downloads with safe headers."""
