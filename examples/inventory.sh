#!/bin/sh
# An external tag source: prints JSON {"tag": ["host", ...]}. Each key becomes a child tag of the config
# node that runs it ($inventory.app, $inventory.db). Ansible `ansible-inventory --list` output works too.
cat <<'JSON'
{
  "app": ["app01.example.com", "app02.example.com", "app03.example.com", "app04.example.com"],
  "db": ["db1.example.com", "db2.example.com"]
}
JSON
