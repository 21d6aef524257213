"""Configuration: defaults that work from a checkout, gavo.conf, DR_* overrides, errors."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from engine.config import CHECKOUT_ROOT, declared_keys, load_config
from engine.errors import ConfigError

EXAMPLE = CHECKOUT_ROOT / "gavo.conf.example"


def test_without_a_file_the_state_and_inputs_live_in_the_checkout():
    cfg = load_config({})
    assert cfg.state_dir == CHECKOUT_ROOT / "var"
    assert cfg.inputs_dir == CHECKOUT_ROOT / "inputs"
    assert cfg.db.dsn == ""
    assert cfg.web.server_port == 8080


def test_config_file_paths_are_relative_to_the_file_and_env_overrides(tmp_path):
    conf = tmp_path / "gavo.conf"
    conf.write_text("[general]\nstateDir = st\n[web]\nserverPort = 9999\n"
                    "[db]\ndsn = host=/x dbname=y\n")
    cfg = load_config({"DR_CONFIG": str(conf)})
    assert cfg.state_dir == tmp_path / "st"
    assert cfg.web.server_port == 9999
    assert cfg.db.dsn == "host=/x dbname=y"
    cfg = load_config({"DR_CONFIG": str(conf), "DR_STATE_DIR": str(tmp_path / "o"),
                       "DR_INPUTS_DIR": "/srv/inputs"})
    assert cfg.state_dir == tmp_path / "o"
    assert cfg.inputs_dir == Path("/srv/inputs")


@pytest.mark.parametrize("text, message", [
    ("[web]\nserverPort = eighty\n", "serverPort = 'eighty' is not a valid int"),
    ("[web]\nport = 80\n", "unknown key 'port' in [web]"),
    ("[frontend]\nx = 1\n", "unknown section [frontend]"),
    ("no section here\n", "File contains no section headers"),
    ("[general]\nlogLevel = chatty\n", "logLevel = 'chatty' is not one of"),
])
def test_bad_configuration_is_reported_with_the_file(tmp_path, text, message):
    conf = tmp_path / "gavo.conf"
    conf.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config({"DR_CONFIG": str(conf)})
    assert message in str(info.value)


def test_a_missing_dr_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config({"DR_CONFIG": str(tmp_path / "nope.conf")})


def test_every_key_is_documented_in_the_example_with_its_default():
    parser = configparser.ConfigParser(interpolation=None)
    text = EXAMPLE.read_text()
    # The example keeps every key commented out: uncomment to compare.
    parser.read_string("\n".join(
        line[2:] if line.startswith("# ") and "=" in line else line
        for line in text.splitlines() if not line.startswith("## ")))
    for section, key, default in declared_keys():
        assert parser.has_option(section, key), f"[{section}] {key} undocumented"
        assert parser.get(section, key) == str(default), f"[{section}] {key}"


def test_the_example_configuration_loads(tmp_path):
    conf = tmp_path / "gavo.conf"
    conf.write_text(EXAMPLE.read_text())
    cfg = load_config({"DR_CONFIG": str(conf)})
    assert cfg.web.maxrec == 10000
