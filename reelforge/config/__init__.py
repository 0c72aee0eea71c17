"""What each YAML document may hold, declared once: typed options (`options.py`), one schema per
document kind (`script.py`, `template.py`, `brand.py`, `voice.py`), and their JSON Schema."""
