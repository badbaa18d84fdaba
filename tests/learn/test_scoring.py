"""Scoring details: one edge per party when a name and its short form both qualify; direction read from the type's sentences."""

from kg.learn.predict import _one_per_party


def _rel(source, target, confidence, rtype="partners-with"):
    return {"type": rtype, "source": source, "target": target, "confidence": confidence}


def test_a_company_named_twice_gives_one_edge_the_most_confident():
    rels = [_rel("Skyline", "Orbis Air Lines", 0.6), _rel("Orbis", "Skyline", 0.8), _rel("Skyline", "Tarn Bank", 0.5)]
    kept = _one_per_party(rels)
    assert [(r["source"], r["target"]) for r in kept] == [("Orbis", "Skyline"), ("Skyline", "Tarn Bank")]


def test_two_different_counterparts_and_two_types_are_kept():
    rels = [_rel("Skyline", "Orbis", 0.6), _rel("Skyline", "Tarn Bank", 0.7),
            _rel("Skyline", "Orbis Air Lines", 0.9, "exclusive-with")]
    assert _one_per_party(rels) == rels


def test_a_ticker_and_its_company_are_one_party():
    rels = [_rel("Halvard Gene Therapies", "Moraine Capital", 0.7), _rel("HGT", "Moraine Capital", 0.65)]
    assert len(_one_per_party(rels)) == 1


def test_the_direction_of_a_capped_share_comes_from_its_own_sentence():
    import kg.learn.types
    import kg.pipeline
    from kg.learn.candidates import doc_candidates
    from kg.learn.pairfeatures import direction_features

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    doc = nlp("Globex Inc. signed a partnership with Acme Corp. on Monday. "
              "Under the deal Acme Corp. pays Globex Inc. a revenue share capped at $1 billion.")
    types = kg.learn.types.load_types()
    cand = next(c for c in doc_candidates(doc, types) if {c.a, c.b} == {"Acme Corp", "Globex Inc"})
    assert len(cand.contexts) == 2
    feats = direction_features(cand, "Acme Corp", "revenue-share-capped", ["REVSHARE"])
    assert feats.get("src_first") and not feats.get("dst_first")  # the partnership sentence names Globex first


def test_the_threshold_is_never_below_half_the_f1_it_reaches():
    from kg.learn.train import _best_threshold

    # one confident right edge, then a long tail of unlikely ones where a fold's luck puts the best F1 cut low
    probs = [0.9] + [0.05] * 40 + [0.04]
    labels = [1] + [0] * 30 + [1] * 10 + [0]
    threshold = _best_threshold(probs, labels, missed=0)
    best_f1 = 2 * 11 / (41 + 11)  # keeping every edge at 5% and above
    assert threshold == round(best_f1 / 2, 4) and threshold > 0.05
    assert _best_threshold([0.9, 0.8, 0.2], [1, 1, 0], missed=0) == 0.5  # (0.8 + 0.2) / 2, above F1 1.0 / 2


def _status_of(text, pair, rtype="partners-with"):
    import kg.learn.types
    import kg.pipeline
    from kg.learn.candidates import doc_candidates
    from kg.learn.pairfeatures import status_features

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    types = {t.name: t for t in kg.learn.types.load_types()}
    doc = nlp(text)
    cand = next(c for c in doc_candidates(doc, list(types.values()), doc._.kg_relations) if {c.a, c.b} == set(pair))
    return status_features(cand, rtype, types[rtype].triggers)


def test_an_ending_cue_says_whose_arrangement_ended():
    text = ("Tarn Bank has ended its card partnership with Orbis Pay and will move its customers "
            "to a new partnership with Skyline Cards next year.")
    ended = _status_of(text, ("Tarn Bank", "Orbis Pay"))
    new = _status_of(text, ("Tarn Bank", "Skyline Cards"))
    assert ended.get("cue_branch=ENDED:dobj") and not new.get("cue_branch=ENDED:dobj")
    assert new.get("cue_branch=ENDED:conj")  # the new partner hangs from the ending verb only through "and will move"


def test_talks_in_a_sentence_without_a_deal_word_still_speak_for_the_status():
    text = ("Orbis Retail is reportedly in talks with Skyline Stores to take its brand to India. "
            "Skyline Stores is already a major partner for Orbis Retail in Europe.")
    feats = _status_of(text, ("Orbis Retail", "Skyline Stores"))
    assert feats.get("cue_scope=PLANNED:both")


def test_the_first_sentence_about_a_pair_gives_its_cues_again_as_the_lead():
    text = ("Orbis Retail is in talks with Skyline Stores about a partnership in India. "
            "Skyline Stores ended a partnership with Orbis Retail in Europe in 2019.")
    feats = _status_of(text, ("Orbis Retail", "Skyline Stores"))
    assert feats.get("cue_scope=PLANNED:both") and feats.get("cue_scope=ENDED:both")
    assert feats.get("lead:cue_scope=PLANNED:both") and not feats.get("lead:cue_scope=ENDED:both")
    assert not any(k.startswith(("lead:trigger", "lead:verb")) for k in feats)


def test_the_owner_of_the_revenue_is_read_as_the_payer():
    import kg.learn.types
    import kg.pipeline
    from kg.learn.candidates import doc_candidates
    from kg.learn.pairfeatures import direction_features

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    doc = nlp("Tarn Capital will receive 20% of Orbis Pharma's revenue until 2030, subject to a cap of $90 million.")
    types = kg.learn.types.load_types()
    cand = next(c for c in doc_candidates(doc, types, doc._.kg_relations) if {c.a, c.b} == {"Orbis Pharma", "Tarn Capital"})
    orbis = direction_features(cand, "Orbis Pharma", "revenue-share-capped", ["REVSHARE"])
    tarn = direction_features(cand, "Tarn Capital", "revenue-share-capped", ["REVSHARE"])
    assert orbis.get("src_owns=revenue") and orbis.get("capped:src_owns=revenue")
    assert tarn.get("dst_owns=revenue") and not tarn.get("src_owns=revenue")


def test_a_name_used_as_a_thing_is_told_to_the_scorer():
    import kg.pipeline
    from kg.learn.pairfeatures import _used_as_thing

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    doc = nlp("Orbis Capital bought royalties on sales of Zolvex (tarnibumab) from Kestrel Bio, "
              "and Kestrel Bio will bring its Vantix titles to Tarn Games.")
    feats = {s.text: _used_as_thing(s) for s in doc.spans["kg_orgs"]}
    zolvex = _used_as_thing(doc[7:8])
    assert zolvex.get("end_sales_of") and zolvex.get("end_generic_paren")
    vantix = _used_as_thing(doc[next(t.i for t in doc if t.text == "Vantix"):][:1])
    assert vantix.get("end_owned") and vantix.get("end_modifies=title")
    assert feats["Orbis Capital"] == {}  # a company, acting


def test_how_the_mentions_use_a_name_is_told_to_the_scorer():
    from spacy.tokens import Span

    import kg.pipeline
    from kg.learn.pairfeatures import _name_use

    doc = kg.pipeline.load_pipeline(relations_model=False)("Orbis Air lets its Skyward members earn miles with Tarn Rides. Orbis Air said Skyward members "
              "can also earn miles at Kestrel Coffee.")

    def spans(word):
        return [Span(doc, t.i, t.i + 1, label="ORG") for t in doc if t.text == word]
    skyward = _name_use(spans("Skyward"))
    assert skyward.get("end_mostly_modifier") and skyward.get("end_never_acts")
    orbis = _name_use([Span(doc, t.i, t.i + 2, label="ORG") for t in doc if t.text == "Orbis"])
    assert not orbis.get("end_never_acts") and not orbis.get("end_mostly_modifier")


def test_a_deal_word_qualified_by_a_takeover_is_told_to_the_scorer():
    import kg.learn.types
    import kg.pipeline
    from kg.learn.candidates import doc_candidates
    from kg.learn.features import trigger_cues

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    types = kg.learn.types.load_types()

    def feats(text, pair):
        doc = nlp(text)
        cand = next(c for c in doc_candidates(doc, types, doc._.kg_relations) if {c.a, c.b} == set(pair))
        return trigger_cues(cand.contexts[0])

    takeover = feats("Orbis Computers signed a deal to buy the PC division of Tarn Systems.", ("Orbis Computers", "Tarn Systems"))
    supply = feats("Orbis Computers signed a deal to supply chips to Tarn Systems.", ("Orbis Computers", "Tarn Systems"))
    assert takeover.get("trigger_has=ACQUISITION") and not supply


def test_a_denied_deal_word_is_told_to_the_scorer():
    import kg.pipeline
    from kg.learn.features import _negated

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    for text, denied in [("Orbis holds a non-exclusive licence from Tarn.", True),
                         ("Orbis's deal with Tarn is not exclusive.", True),
                         ("Orbis holds an exclusive licence from Tarn.", False)]:
        doc = nlp(text)
        term = next(t for t in doc.spans["deal_terms"] if t.label_ == "EXCLUSIVE")
        assert _negated(term) is denied, text


def test_a_rules_reading_of_who_pays_decides_the_direction_and_the_model_decides_without_one():
    from types import SimpleNamespace

    from kg.learn.predict import _direction

    class PrefersSecondName:  # a direction model that calls the pair's second name the source
        classes = [0, 1]

        def proba(self, features):
            return {0: 0.1, 1: 0.9} if features.get("is_b") else {0: 0.9, 1: 0.1}

    model = SimpleNamespace(direction={"revenue-share-capped": PrefersSecondName()})
    features = ({"is_b": 0.0}, {"is_b": 1.0})
    ruled = SimpleNamespace(a="Acme Corp", b="Globex Inc", rule_source={"revenue-share-capped": "Acme Corp"},
                            direction={"revenue-share-capped": features})
    unruled = SimpleNamespace(a="Acme Corp", b="Globex Inc", rule_source={}, direction={"revenue-share-capped": features})
    assert _direction(model, "revenue-share-capped", ruled) == ("Acme Corp", "Globex Inc")
    assert _direction(model, "revenue-share-capped", unruled) == ("Globex Inc", "Acme Corp")
