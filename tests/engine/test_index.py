"""The checkpoint index and the README's figures table are written from metadata and eval JSON."""

import json

from helpers import CHECKPOINTS, small_model

from vae_core import index as ix
from vae_core.checkpoint import save_model
from vae_core.index import README_END, README_START, SUMMARY_END, SUMMARY_START, write_index
from vae_core.recipes import ALL, MODELS_TABLE, SUMMARY_TABLE, command

REPO = CHECKPOINTS.parent


def test_index_lists_files_figures_commands_and_skips(tmp_path):
    save_model(small_model("vae"), tmp_path / "mnist_vae_2d.safetensors", dataset="mnist",
               extra={"beta": 1.0, "epochs": 60, "train": {"loss": "elbo", "seconds": 812.4}})
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "mnist_vae_2d.json").write_text(json.dumps(
        {"test": {"neg_elbo": 133.456, "recon": 127.0, "kl": 6.456, "iwae": 129.9}}))
    (tmp_path / "broken.safetensors").write_bytes(b"junk")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{README_START}\nold table\n{README_END}\noutro\n")
    summary = tmp_path / "SUMMARY.md"
    summary.write_text(f"{SUMMARY_START}\n{SUMMARY_END}\n")
    index = write_index(tmp_path, {"mnist_vae_2d": command("mnist_vae_2d")}, readme=readme, summary=summary)
    text = index.read_text()
    assert "| `mnist_vae_2d.safetensors` | vae | mnist | 2 | 1.0 | elbo | 60 | 812 | 133.46 |" in text
    assert "129.90" in text and "--latent-dim 2 --epochs 60" in text
    assert "broken.safetensors" in text.split("## Skipped files")[1]
    doc = readme.read_text()
    assert "old table" not in doc and "133.46" in doc
    assert doc.startswith("intro\n") and doc.endswith(f"{README_END}\noutro\n")
    row = "| mnist_vae_2d | vae | mnist | 2 | 60 | 14 | −ELBO 133.46 nats | 129.90 |"
    assert row in summary.read_text()


def _block(path, start, end):
    return path.read_text().split(start, 1)[1].split(end, 1)[0].lstrip("\n")


def test_the_committed_model_tables_are_those_the_checkpoints_give():
    """After a model is retrained or re-evaluated, `recipes index` must run: INDEX.md, the tables of
    docs/models.md and the README's short table all say what the files and eval JSON say now."""
    text, table, study = ix.render_index(CHECKPOINTS, {n: command(n) for n in ALL})
    assert (CHECKPOINTS / "INDEX.md").read_text() == text
    assert _block(REPO / MODELS_TABLE, ix.README_START, ix.README_END) == table
    assert _block(REPO / MODELS_TABLE, ix.STUDY_START, ix.STUDY_END) == study
    rows = ix.summary_rows(CHECKPOINTS)
    assert _block(REPO / SUMMARY_TABLE, ix.SUMMARY_START, ix.SUMMARY_END) == ix.summary_table(CHECKPOINTS)
    named = {row.split(" | ")[0].removeprefix("| ") for row in rows}
    assert {"mnist_vae_2d", "mnist_judge", "study/mnist_vae_16d_ar", "study/mnist_vae_50d_binarized"} <= named


def test_every_recipe_is_a_valid_training_command():
    from vae_core.train import build_parser

    for name in ALL:
        args = build_parser().parse_args(command(name).split()[3:])
        assert args.out.as_posix() == f"checkpoints/{name}.safetensors"
