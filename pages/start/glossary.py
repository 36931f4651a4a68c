"""Glossary: every technical word the pages use, defined once; pages link a word's first use here."""

import streamlit as st

from ui import catalog, frame, glossary

frame.context()
judge = catalog.eval_figures("mnist_judge")
accuracy = f"{judge['accuracy']:.2%}" if judge else "most"

st.header("Glossary")
frame.say("The words the pages use, in the order a lecture meets them. Every figure quoted on "
            "a page was measured on the test set by a command in the repository.")
for term in glossary.TERMS:
    st.subheader(term.name, anchor=term.anchor)
    st.markdown(term.text.replace("{judge_accuracy}", accuracy))  # no links to itself
