#!/usr/bin/env python3
"""An Ansible dynamic inventory script, as Ansible calls it: --list prints every group, --host H one host's vars."""
import json
import sys

INVENTORY = {
    "_meta": {"hostvars": {"app1.example.com": {"ansible_host": "10.1.0.1"}, "app2.example.com": {"ansible_host": "10.1.0.2"}}},
    "all": {"children": ["app", "db"]},
    "app": {"hosts": ["app1.example.com", "app2.example.com"], "vars": {"ansible_user": "deploy"}},
    "db": {"hosts": ["db1.example.com"]},
}

if sys.argv[1:] == ["--list"]:
    print(json.dumps(INVENTORY))
elif sys.argv[1:2] == ["--host"] and len(sys.argv) == 3:
    print(json.dumps(INVENTORY["_meta"]["hostvars"].get(sys.argv[2], {})))
else:
    sys.exit("usage: inventory.py --list | --host HOST")
