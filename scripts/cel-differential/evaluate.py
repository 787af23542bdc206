#!/usr/bin/env python3
"""Evaluates the generated ValidatingAdmissionPolicy CEL on objects, as the API server would.

Used by Tests/BulwarkAdmissionTests/AdmissionPolicyDifferentialTests.swift: one process for the
whole batch. Usage: evaluate.py REQUEST.json ANSWER.json

REQUEST: {"variables": [{"name", "expression"}],
          "validations": [{"rule", "expression", "messageExpression"}],
          "objects": [{"id", "object", "namespaceObject"}]}
ANSWER:  {"cel": "cel-python <version>",
          "results": [{"id", "rule", "allowed": true|false|null, "message", "error"}]}

As VAP does, the variables are evaluated in order (each may use the earlier ones) and are
available as `variables.<name>`; an error in a variable is an error of every validation that
evaluates. A validation passes when its expression is true; when it is false, the
messageExpression gives the message. Standard CEL only (cel-python has none of Kubernetes'
libraries).
"""
import json
import sys
from importlib import metadata

import celpy
from celpy import celtypes


def compile_all(env, items, key):
    programs = []
    for item in items:
        programs.append(env.program(env.compile(item[key])))
    return programs


def main():
    request_path, answer_path = sys.argv[1], sys.argv[2]
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    env = celpy.Environment()
    variable_programs = [(v["name"], env.program(env.compile(v["expression"]))) for v in request["variables"]]
    validations = [
        (v["rule"], env.program(env.compile(v["expression"])), env.program(env.compile(v["messageExpression"])))
        for v in request["validations"]
    ]
    results = []
    for item in request["objects"]:
        activation = {
            "object": celpy.json_to_cel(item["object"]),
            "oldObject": None,
            "namespaceObject": celpy.json_to_cel(item.get("namespaceObject") or {"metadata": {"name": "ns"}}),
        }
        variables = {}
        variable_error = None
        for name, program in variable_programs:
            activation["variables"] = celtypes.MapType(variables)
            try:
                value = program.evaluate(activation)
            except Exception as error:  # noqa: BLE001 - any evaluation failure is reported
                value = error
            if isinstance(value, Exception):
                variable_error = variable_error or f"variable {name}: {value}"
                continue
            variables[celtypes.StringType(name)] = value
        activation["variables"] = celtypes.MapType(variables)
        for rule, program, message_program in validations:
            result = {"id": item["id"], "rule": rule, "allowed": None, "message": None, "error": None}
            try:
                value = program.evaluate(activation)
                if isinstance(value, Exception):
                    raise value
                if not isinstance(value, celtypes.BoolType):
                    raise TypeError(f"expression gave {type(value).__name__}, not bool")
                result["allowed"] = bool(value)
                if not value:
                    message = message_program.evaluate(activation)
                    result["message"] = None if isinstance(message, Exception) else str(message)
            except Exception as error:  # noqa: BLE001
                result["error"] = f"{error}" + (f" ({variable_error})" if variable_error else "")
            results.append(result)
    answer = {"cel": "cel-python " + metadata.version("cel-python"), "results": results}
    with open(answer_path, "w", encoding="utf-8") as handle:
        json.dump(answer, handle)


if __name__ == "__main__":
    main()
