"""Print 100 random organizations that have an edge in a kg graph (JSON), with one evidence sentence each, for judging by eye.

    python bench/sample_orgs.py out/graph.json > sample.jsonl    # then record name, doc id, verdict in bench/org_verdicts.tsv
"""
import json, random, sys
from kg.export import load
g = load(sys.argv[1])
G = g.nx
linked = sorted(n for n in G if G.degree(n) > 0)
sample = random.Random(10).sample(linked, min(100, len(linked)))
for n in sample:
    edges = [*G.out_edges(n, keys=True, data=True), *G.in_edges(n, keys=True, data=True)]
    ev = edges[0][3]["evidence"][0]
    print(json.dumps({"name": n, "doc_id": ev["doc_id"], "aliases": G.nodes[n]["aliases"][:4],
                      "sentence": ev["sentence"][:220]}, ensure_ascii=False))
print(len(linked), "linked organizations", file=sys.stderr)
