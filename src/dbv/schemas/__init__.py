"""Declarative schemas for the LA's own data return (SEN2-aligned person level, plus finance)."""
