"""Reference scoreboard for the contest end-to-end tests: the icpc, ioi and cf rules of
docs/CONTESTS.md and actors/contest_score.h, written again from the rules (stdlib only, not a
translation of the C) so the test compares two independent readings.

    expected_board(scoring, start_ms, duration_min, penalty_min, problems, subs,
                   cutoff_ms=None, users=None) -> [row]

problems: [{label, points, subtasks: [points, ...] or []}]
subs:     [{user_id, username?, label, submitted_at_ms, verdict (None = pending),
            subtasks_ok: set of subtask indices (ioi)}], any order; ties on submitted_at_ms
          keep list order (or use an "id" key when present).
users:    [{user_id, username}]: every contestant gets a row, with or without submissions;
          submissions of anyone else (staff) are left out. None = the users seen in subs.
cutoff_ms: submissions at or after it count as pending (the frozen public view).

A row: {rank, user_id, username, solved, penalty, score, last_ac_min, problems: [cell]},
sorted by rank then user id; a cell: {label, solved, attempts, pending, time_min, score,
first_to_solve}. time_min is None when the cell has no time: icpc/cf unsolved, ioi never
improved above 0 (ioi's time is the minute of the last improvement, so a partial score has one).
"""

from fractions import Fraction
import math

ACCEPTED = {"AC"}
REJECTED = {"WA", "TLE", "MLE", "RTE", "OLE", "PE"}
# Everything else that is not pending (CE, JE, unknown) never counts.

KEY_SCALE = 1000  # scores rank in thousandths
FULL_EPS = 1e-9


def _minute(start_ms, at_ms):
    return max(0, (at_ms - start_ms) // 60000)


def cf_award(x, t, w, d):
    """max(0.3x, x - floor(120*x*t / (250*d)) - 50*w); d = 0 counts as 1."""
    if x is None or not x > 0:
        return 0.0
    fx = Fraction(x)
    d = d or 1
    award = fx - math.floor(Fraction(120) * fx * t / (250 * d)) - 50 * w
    return float(max(Fraction(3, 10) * fx, award))


def _visible_kind(sub, cutoff_ms):
    """'pending', 'ac', 'rej' or 'none' as the viewer sees the submission."""
    if sub["verdict"] in (None, "") or (cutoff_ms is not None and sub["submitted_at_ms"] >= cutoff_ms):
        return "pending"
    if sub["verdict"] in ACCEPTED:
        return "ac"
    if sub["verdict"] in REJECTED:
        return "rej"
    return "none"


def _cell_first_ac(scoring, prob, subs, start_ms, duration_min, penalty_min, cutoff_ms):
    """icpc and cf: read in order up to the first visible AC; what follows it does not exist."""
    wrong = pending = 0
    ac = None
    for s in subs:
        kind = _visible_kind(s, cutoff_ms)
        if kind == "pending":
            pending += 1
        elif kind == "rej":
            wrong += 1
        elif kind == "ac":
            ac = s
            break
    cell = {"solved": ac is not None, "attempts": wrong + (1 if ac else 0), "pending": pending,
            "time_min": None, "score": 0.0, "penalty": 0, "solved_at_ms": None}
    if ac is None:
        return cell
    t = _minute(start_ms, ac["submitted_at_ms"])
    cell["time_min"] = t
    cell["solved_at_ms"] = ac["submitted_at_ms"]
    if scoring == "icpc":
        cell["score"] = 1.0
        cell["penalty"] = t + penalty_min * wrong
    else:
        cell["score"] = cf_award(prob["points"], t, wrong, duration_min)
    return cell


def _cell_ioi(prob, subs, start_ms, cutoff_ms):
    """Best result per subtask over every visible judged submission (IOI 2017+)."""
    worth = list(prob.get("subtasks") or []) or [prob["points"]]
    n = len(worth)
    top = sum(worth[i] for i in range(n))
    have = set()
    score = 0.0
    cell = {"solved": False, "attempts": 0, "pending": 0, "time_min": None, "score": 0.0,
            "penalty": 0, "solved_at_ms": None}
    for s in subs:
        kind = _visible_kind(s, cutoff_ms)
        if kind == "pending":
            cell["pending"] += 1
            continue
        if kind == "none":
            continue
        cell["attempts"] += 1
        got = set(range(n)) if kind == "ac" else {i for i in (s.get("subtasks_ok") or ()) if 0 <= i < n}
        if got <= have:
            continue
        have |= got
        now = sum(worth[i] for i in sorted(have))
        if now > score:
            score = now
            cell["time_min"] = _minute(start_ms, s["submitted_at_ms"])
        full = score >= top - FULL_EPS if top > 0 else len(have) == n
        if full and not cell["solved"]:
            cell["solved"] = True
            cell["solved_at_ms"] = s["submitted_at_ms"]
    cell["score"] = float(score)
    return cell


def _order_key(scoring, row):
    if scoring == "icpc":
        return (-row["solved"], row["penalty"], row["last_ac_min"] or 0)
    return (-max(0, math.floor(row["score"] * KEY_SCALE + 0.5)),)


def expected_board(scoring, start_ms, duration_min, penalty_min, problems, subs,
                   cutoff_ms=None, users=None):
    if scoring not in ("icpc", "ioi", "cf"):
        raise ValueError(f"unknown scoring {scoring!r}")
    if users is None:
        seen = {}
        for s in subs:
            seen.setdefault(s["user_id"], s.get("username"))
        users = [{"user_id": u, "username": n} for u, n in seen.items()]
    names = {u["user_id"]: u.get("username") for u in users}

    ordered = sorted(enumerate(subs), key=lambda p: (p[1]["submitted_at_ms"], p[1].get("id", p[0])))
    by_cell = {}
    for _, s in ordered:
        if s["user_id"] in names:
            by_cell.setdefault((s["user_id"], s["label"]), []).append(s)

    cells = {}
    for uid in names:
        for prob in problems:
            mine = by_cell.get((uid, prob["label"]), [])
            if scoring == "ioi":
                cells[uid, prob["label"]] = _cell_ioi(prob, mine, start_ms, cutoff_ms)
            else:
                cells[uid, prob["label"]] = _cell_first_ac(scoring, prob, mine, start_ms,
                                                           duration_min, penalty_min, cutoff_ms)

    first = {}
    for prob in problems:
        solvers = [(c["solved_at_ms"], uid) for (uid, label), c in cells.items()
                   if label == prob["label"] and c["solved"]]
        first[prob["label"]] = min(solvers)[1] if solvers else None

    rows = []
    for uid in names:
        row = {"user_id": uid, "username": names[uid], "solved": 0, "penalty": 0, "score": 0.0,
               "last_ac_min": None, "problems": []}
        for prob in problems:
            c = cells[uid, prob["label"]]
            if c["solved"]:
                row["solved"] += 1
                if c["time_min"] is not None:
                    row["last_ac_min"] = max(row["last_ac_min"] or 0, c["time_min"])
            row["penalty"] += c["penalty"]
            row["score"] += c["score"]
            row["problems"].append({"label": prob["label"], "solved": c["solved"],
                                    "attempts": c["attempts"], "pending": c["pending"],
                                    "time_min": c["time_min"], "score": c["score"],
                                    "first_to_solve": first[prob["label"]] == uid})
        rows.append(row)

    rows.sort(key=lambda r: (_order_key(scoring, r), r["user_id"]))
    for i, r in enumerate(rows):
        same = i > 0 and _order_key(scoring, rows[i - 1]) == _order_key(scoring, r)
        r["rank"] = rows[i - 1]["rank"] if same else i + 1
    return rows


# ---- self-test: hand-computed examples -------------------------------------------------------

if __name__ == "__main__":
    T0 = 1_700_000_000_000

    def at(m, s=0):
        return T0 + m * 60000 + s * 1000

    def sub(uid, label, when, verdict, ok=()):
        return {"user_id": uid, "username": f"u{uid}", "label": label, "submitted_at_ms": when,
                "verdict": verdict, "subtasks_ok": set(ok)}

    # icpc, penalty 20: teams 3 and 7 tie at 2 solved / 110 / last 60, team 5 is third;
    # team 9 registered but never submitted.
    probs = [{"label": "A", "points": 1, "subtasks": []}, {"label": "B", "points": 1, "subtasks": []}]
    subs = [
        sub(7, "A", at(30), "AC"), sub(7, "B", at(40), "WA"), sub(7, "B", at(60), "AC"),
        sub(3, "A", at(60, 59), "AC"), sub(3, "B", at(20), "WA"), sub(3, "B", at(30), "AC"),
        sub(5, "A", at(20), "AC"), sub(5, "B", at(5), "WA"), sub(5, "B", at(10), "CE"),
        sub(5, "B", at(10, 30), "TLE"), sub(5, "B", at(15), "RTE"), sub(5, "B", at(50), "AC"),
        sub(5, "B", at(55), "WA"),  # after the AC: ignored
        sub(1, "A", at(1), "AC"),   # not in users (staff): not on the board
    ]
    users = [{"user_id": u, "username": f"u{u}"} for u in (3, 5, 7, 9)]
    board = expected_board("icpc", T0, 300, 20, probs, subs, users=users)
    assert [(r["user_id"], r["rank"], r["solved"], r["penalty"], r["last_ac_min"]) for r in board] == [
        (3, 1, 2, 110, 60), (7, 1, 2, 110, 60), (5, 3, 2, 130, 50), (9, 4, 0, 0, None)], board
    b5 = board[2]["problems"][1]
    assert (b5["attempts"], b5["pending"], b5["time_min"], b5["first_to_solve"]) == (4, 0, 50, False)
    assert board[2]["problems"][0]["first_to_solve"]          # team 5 solved A first, at 20
    assert board[0]["problems"][1]["first_to_solve"]          # team 3 solved B first, at 30
    assert board[3]["problems"][0] == {"label": "A", "solved": False, "attempts": 0, "pending": 0,
                                       "time_min": None, "score": 0.0, "first_to_solve": False}

    # the same frozen at minute 50: team 5's B (AC at 50) and team 7's B (60) are pending;
    # team 3's A (60:59) too. 7: 1 solved/30; 5: 1 solved/20; 3: 1 solved/50.
    frozen = expected_board("icpc", T0, 300, 20, probs, subs, cutoff_ms=at(50), users=users)
    assert [(r["user_id"], r["rank"], r["penalty"]) for r in frozen] == [
        (5, 1, 20), (7, 2, 30), (3, 3, 50), (9, 4, 0)], frozen
    assert frozen[0]["problems"][1]["pending"] == 2 and frozen[0]["problems"][1]["attempts"] == 3
    assert frozen[1]["problems"][1]["pending"] == 1 and frozen[1]["problems"][1]["attempts"] == 1

    # ioi, subtasks 20/30/50: user 1 gets {1} then {2} = 80 at minute 20, then {0} = 100 at 40;
    # user 2 gets 80 in one go at minute 25; user 3 only a CE and a pending one.
    probs = [{"label": "P", "points": 100, "subtasks": [20, 30, 50]}]
    subs = [sub(1, "P", at(10), "WA", {1}), sub(1, "P", at(20), "TLE", {2}),
            sub(1, "P", at(30), "WA", {1, 2}), sub(1, "P", at(40), "WA", {0}),
            sub(2, "P", at(25), "WA", {1, 2}), sub(3, "P", at(5), "CE", {0, 1, 2}),
            sub(3, "P", at(6), None)]
    board = expected_board("ioi", T0, 300, 0, probs, subs, cutoff_ms=at(35))
    assert [(r["user_id"], r["rank"], r["score"]) for r in board] == [
        (1, 1, 80.0), (2, 1, 80.0), (3, 3, 0.0)], board
    c1 = board[0]["problems"][0]
    assert (c1["solved"], c1["attempts"], c1["pending"], c1["time_min"]) == (False, 3, 1, 20), c1
    board = expected_board("ioi", T0, 300, 0, probs, subs)
    c1 = board[0]["problems"][0]
    assert (board[0]["user_id"], c1["solved"], c1["score"], c1["time_min"], c1["first_to_solve"]) \
        == (1, True, 100.0, 40, True), board
    assert board[2]["problems"][0]["attempts"] == 0 and board[2]["problems"][0]["pending"] == 1

    # cf, d = 120: x = 500 → decay 2/min; x = 1000 → 4/min.
    assert cf_award(500, 0, 0, 120) == 500 and cf_award(500, 10, 0, 120) == 480
    assert cf_award(500, 60, 1, 120) == 330 and cf_award(500, 119, 3, 120) == 150
    assert cf_award(1000, 10, 0, 180) == 974 and cf_award(500, 1, 0, 0) == 260
    probs = [{"label": "A", "points": 500, "subtasks": []}, {"label": "B", "points": 1000, "subtasks": []}]
    subs = [sub(8, "A", at(10), "AC"), sub(8, "B", at(20), "AC"),                      # 480 + 920
            sub(2, "A", at(0, 10), "WA"), sub(2, "A", at(0, 50), "AC"), sub(2, "B", at(7), "AC"),  # 450 + 972
            sub(3, "A", at(5), "AC"), sub(3, "B", at(9), "WA"), sub(3, "B", at(10), "AC")]  # 490 + 910
    board = expected_board("cf", T0, 120, 0, probs, subs)
    assert [(r["user_id"], r["rank"], r["score"], r["solved"]) for r in board] == [
        (2, 1, 1422.0, 2), (3, 2, 1400.0, 2), (8, 2, 1400.0, 2)], board
    print("scoring_ref: ok")
