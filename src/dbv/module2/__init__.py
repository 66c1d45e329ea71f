"""Module 2, the root-cause diagnostic: case reviews, surveys, demand and capacity, variation.

Every share shown from a sample carries its count, sample size and interval (``dbv.stats``)."""
