"""Every verdict in every shipped language, through a real cluster: problems and tests are
created with the API as admin, small programs are submitted as a contestant, and each must get
exactly its verdict. AC, WA, TLE, RTE and CE in every language; MLE and OLE in C, C++, Java and
Python. A language the cluster's judge does not offer (its compiler is missing on this host)
is skipped, and says so."""
import pytest

TL_MS = 1000
ML_KB = 256 * 1024
OLE_KB = 1024

AB = {
    "c": "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);return 0;}\n",
    "cpp": "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}\n",
    "python3": "a, b = map(int, input().split())\nprint(a + b)\n",
    "java": "import java.util.*;\npublic class Main { public static void main(String[] x) { Scanner s = new Scanner(System.in);\n long a = s.nextLong(), b = s.nextLong(); System.out.println(a + b); } }\n",
    "rust": "use std::io::*;\nfn main(){let mut s=String::new();stdin().read_to_string(&mut s).unwrap();\nlet v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();println!(\"{}\",v[0]+v[1]);}\n",
    "javascript": "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
    "pascal": "var a, b: int64;\nbegin\n  readln(a, b);\n  writeln(a + b);\nend.\n",
}
WA = {
    "c": "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a-b);return 0;}\n",
    "cpp": "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a*b<<\"\\n\";}\n",
    "python3": "a, b = map(int, input().split())\nprint(a - b)\n",
    "java": "public class Main { public static void main(String[] x) { System.out.println(\"-1\"); } }\n",
    "rust": "fn main(){println!(\"-1\");}\n",
    "javascript": "console.log('-1');\n",
    "pascal": "begin\n  writeln(-1);\nend.\n",
}
TLE = {
    "c": "int main(void){volatile unsigned long x=0;for(;;)x++;}\n",
    "cpp": "int main(){volatile unsigned long x=0;for(;;)x++;}\n",
    "python3": "while True:\n    pass\n",
    "java": "public class Main { public static void main(String[] x) { long i = 0; while (true) { i++; if (i == -1) break; } } }\n",
    "rust": "fn main(){let mut x:u64=0;loop{x=std::hint::black_box(x+1);}}\n",
    "javascript": "for (;;) {}\n",
    "pascal": "var x: int64;\nbegin\n  x := 0;\n  while true do x := x + 1;\nend.\n",
}
SLEEP_TLE = {  # idle: the wall-clock limit catches it
    "c": "#include <unistd.h>\nint main(void){for(;;)pause();}\n",
    "python3": "import time\ntime.sleep(3600)\n",
}
RTE = {
    "c": "int main(void){volatile int *p=0;return *p;}\n",
    "cpp": "#include <stdexcept>\nint main(){throw std::runtime_error(\"boom\");}\n",
    "python3": "raise RuntimeError('boom')\n",
    "java": "public class Main { public static void main(String[] x) { throw new RuntimeException(\"boom\"); } }\n",
    "rust": "fn main(){let v: Vec<i32> = Vec::new(); println!(\"{}\", v[std::hint::black_box(3)]);}\n",
    "javascript": "throw new Error('boom');\n",
    "pascal": "begin\n  halt(3);\nend.\n",
}
CE = {
    "c": "int main(void){return x;}\n",
    "cpp": "int main(){return std::nope;}\n",
    "python3": "def f(:\n    pass\n",
    "java": "public class Main { public static void main(String[] x) { int y = \"s\"; } }\n",
    "rust": "fn main(){let x: i32 = \"s\";}\n",
    "javascript": "function (\n",
    "pascal": "begin\n  writeln(x);\nend.\n",
}
MLE = {  # touches 1 GiB, limit is 256 MiB
    "c": "#include <stdlib.h>\n#include <string.h>\nint main(void){for(int i=0;i<1024;i++){char*p=malloc(1<<20);if(!p)return 0;memset(p,1,1<<20);}return 0;}\n",
    "cpp": "#include <vector>\n#include <cstdio>\nint main(){std::vector<std::vector<char>> v;for(int i=0;i<1024;i++)v.emplace_back(1<<20,1);std::printf(\"%zu\\n\",v.size());}\n",
    "python3": "a = [bytearray(1 << 20) for _ in range(1024)]\nprint(len(a))\n",
    "java": "import java.util.*;\npublic class Main { public static void main(String[] x) { List<byte[]> l = new ArrayList<>(); for (int i = 0; i < 1024; i++) { byte[] b = new byte[1 << 20]; Arrays.fill(b, (byte)1); l.add(b); } System.out.println(l.size()); } }\n",
}
OLE = {  # endless output, limit 1 MiB
    "c": "#include <stdio.h>\nint main(void){for(;;)fputs(\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\n\",stdout);}\n",
    "cpp": "#include <cstdio>\nint main(){for(;;)std::fputs(\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\\n\",stdout);}\n",
    "python3": "import sys\nwhile True:\n    sys.stdout.write('y' * 4096 + '\\n')\n",
    "java": "public class Main { public static void main(String[] x) { StringBuilder s = new StringBuilder(); for (int i = 0; i < 4096; i++) s.append('y'); String t = s.toString(); while (true) System.out.println(t); } }\n",
}

TESTS = [("1 2\n", "3\n"), ("1000000000000 -7\n", "999999999993\n"), ("-5 5\r\n", "0")]


@pytest.fixture(scope="module")
def setup(cluster):
    admin = cluster.admin()
    offered = cluster.wait_languages({"c", "python3"})

    def problem(title, **extra):
        body = {"title": title, "statement_md": "Print a+b.", "time_limit_ms": TL_MS,
                "memory_limit_kb": ML_KB, **extra}
        r = cluster.req("POST", "/api/v1/problems", token=admin, json=body)
        if r.status_code != 201:
            return None
        pid = r.json()["id"]
        for inp, out in TESTS:
            r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                            json={"input": inp, "output": out})
            assert r.status_code == 201, r.text
        return pid

    pid = problem("A+B languages")
    ole_pid = problem("A+B small output", output_limit_kb=OLE_KB)
    assert pid
    _, token = cluster.new_user("polyglot")
    return {"pid": pid, "ole_pid": ole_pid, "token": token, "offered": offered}


CASES = ([(lang, "AC", AB[lang]) for lang in AB] + [(lang, "WA", WA[lang]) for lang in WA]
         + [(lang, "TLE", TLE[lang]) for lang in TLE] + [(lang, "TLE", SLEEP_TLE[lang]) for lang in SLEEP_TLE]
         + [(lang, "RTE", RTE[lang]) for lang in RTE] + [(lang, "CE", CE[lang]) for lang in CE]
         + [(lang, "MLE", MLE[lang]) for lang in MLE] + [(lang, "OLE", OLE[lang]) for lang in OLE])


@pytest.mark.parametrize("language,verdict,source", CASES,
                         ids=[f"{l}-{v}-{i}" for i, (l, v, _) in enumerate(CASES)])
def test_program_gets_its_verdict(cluster, setup, language, verdict, source):
    if language not in setup["offered"]:
        pytest.skip(f"no judge offers {language} on this host")
    pid = setup["pid"]
    if verdict == "OLE":
        if not setup["ole_pid"]:
            pytest.skip("problems.create does not take output_limit_kb yet")
        pid = setup["ole_pid"]
    r = cluster.submit(setup["token"], pid, language, source)
    assert r.status_code == 202, r.text
    sub = cluster.wait_verdict(setup["token"], r.json()["id"], timeout=120)
    detail = f"{language}: {sub['verdict']} {sub.get('compile_output') or ''} {sub.get('tests')}"
    assert sub["verdict"] == verdict, detail
    if verdict == "CE":
        assert sub["compile_output"], detail
        assert sub["tests"] == [], detail
    elif verdict == "AC":
        assert len(sub["tests"]) == len(TESTS), detail
        assert all(t["verdict"] == "AC" and t["memory_kb"] > 0 for t in sub["tests"]), detail
    else:
        assert len(sub["tests"]) == 1 and sub["tests"][0]["verdict"] == verdict, detail  # stops at the first failure
    if verdict == "TLE":
        assert sub["tests"][0]["time_ms"] >= TL_MS, detail


def test_identical_source_is_compiled_once(cluster, setup):
    """The second submission of the same source is served from the judge's compile cache."""
    import glob
    import os
    src = AB["c"].replace("return 0;", "return 0; /* cache probe */")
    for _ in range(2):
        r = cluster.submit(setup["token"], setup["pid"], "c", src)
        assert r.status_code == 202
        assert cluster.wait_verdict(setup["token"], r.json()["id"])["verdict"] == "AC"
    logs = "".join(open(f, errors="replace").read()
                   for f in glob.glob(os.path.join(cluster.data, "logs", "judge*.log")))
    assert "compile_cached=1" in logs


def test_languages_endpoint_lists_versions(cluster, setup):
    r = cluster.req("GET", "/api/v1/languages")
    langs = {l["id"]: l for l in r.json()}
    for lid in ("c", "cpp", "python3"):
        assert lid in langs and langs[lid]["version"] and langs[lid]["version"] != "unknown"
