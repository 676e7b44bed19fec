"""Vendors: the BPO companies the client outsources contact-centre work to."""
