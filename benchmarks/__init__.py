"""Tools that drive the running app from outside (they may use Streamlit's own protocol)."""
