package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/npyfile"
)

// hostileCase is one bad or edge input to the CLI and what it must give: the
// exit status and a substring of stderr (errors) or of stdout (success).
type hostileCase struct {
	name string
	args []string
	code int
	want string
}

// runHostile runs the cases, logs a tally of outcomes and returns it.
func runHostile(t *testing.T, cases []hostileCase) {
	t.Helper()
	tally := map[string]int{}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		got := errb.String()
		if tc.code == 0 {
			got = out.String()
		}
		if code != tc.code || !strings.Contains(got, tc.want) || strings.Contains(errb.String(), "panic") {
			t.Errorf("%s: nclab %q: exit %d (want %d)\nstdout %.300q\nstderr %.300q\nwant %q", tc.name, tc.args, code, tc.code, out.String(), errb.String(), tc.want)
			tally["failed"]++
			continue
		}
		switch tc.code {
		case 0:
			tally["correct on a valid edge case"]++
		case 1:
			tally["clear error, exit 1 (failure)"]++
		case 2:
			tally["clear error, exit 2 (usage)"]++
		}
	}
	t.Logf("%d cases: %v", len(cases), tally)
}

// TestHostileFlags: invalid flag values are errors that name the flag (exit 2),
// never the preset's or the default value; edge values that are valid work.
// None of these reaches the data or a model.
func TestHostileFlags(t *testing.T) {
	tmp := t.TempDir()
	runHostile(t, []hostileCase{
		{"train wd -1", []string{"train", "--wd", "-1"}, 2, "--wd -1: want a finite value >= 0"},
		{"train wd NaN", []string{"train", "--wd", "NaN"}, 2, "--wd NaN"},
		{"train feature penalty NaN", []string{"train", "--feature-penalty", "NaN"}, 2, "--feature-penalty NaN"},
		{"train feature penalty -1", []string{"train", "--feature-penalty", "-1"}, 2, "--feature-penalty -1"},
		{"train feature penalty +Inf", []string{"train", "--feature-penalty", "+Inf"}, 2, "--feature-penalty +Inf"},
		{"train lr 0", []string{"train", "--lr", "0"}, 2, "--lr 0: want a finite value > 0"},
		{"train lr -0.1", []string{"train", "--lr", "-0.1"}, 2, "--lr -0.1"},
		{"train lr Inf", []string{"train", "--lr", "Inf"}, 2, "--lr +Inf"},
		{"train epochs 0", []string{"train", "--epochs", "0"}, 2, "--epochs 0: want 1 to 1000000"},
		{"train epochs -3", []string{"train", "--epochs", "-3"}, 2, "--epochs -3"},
		{"train batch 0", []string{"train", "--batch", "0"}, 2, "--batch 0: want 2 to 65536"},
		{"train batch 1", []string{"train", "--batch", "1"}, 2, "--batch 1: want 2 to 65536"},
		{"train track-every 0", []string{"train", "--track-every", "0"}, 2, "--track-every 0"},
		{"train track-first -1", []string{"train", "--track-first", "-1"}, 2, "--track-first -1: want 0 to 1000000"},
		{"train feature-dim 0", []string{"train", "--feature-dim", "0"}, 2, "--feature-dim 0"},
		{"train hidden 0", []string{"train", "--hidden", "0"}, 2, "--hidden 0"},
		{"train input-pool 0", []string{"train", "--input-pool", "0"}, 2, "--input-pool 0"},
		{"train width-div 0", []string{"train", "--width-div", "0"}, 2, "--width-div 0"},
		{"train width-div 3", []string{"train", "--width-div", "3"}, 2, "--width-div 3: want a divisor of 64"},
		{"train widths 8,x", []string{"train", "--widths", "8,x"}, 2, `--widths "8,x"`},
		{"train widths 8,-1", []string{"train", "--widths", "8,-1"}, 2, `"-1" is not an integer from 1 to 16384`},
		{"train hidden 10^9", []string{"train", "--hidden", "1000000000"}, 2, "--hidden 1000000000: want 1 to 16384"},
		{"train feature-dim 10^9", []string{"train", "--feature-dim", "1000000000"}, 2, "--feature-dim 1000000000"},
		{"train widths 10^9", []string{"train", "--widths", "8,1000000000"}, 2, `"1000000000" is not an integer from 1 to 16384`},
		{"train batch 10^9", []string{"train", "--batch", "1000000000"}, 2, "--batch 1000000000"},
		{"train width-div 128", []string{"train", "--width-div", "128"}, 2, "--width-div 128"},
		{"train epochs overflow", []string{"train", "--epochs", "99999999999999999999"}, 2, "invalid value"},
		{"train unknown arch", []string{"train", "--arch", "transformer"}, 2, `--arch "transformer"`},
		{"train unknown head", []string{"train", "--head", "frozen"}, 2, `--head "frozen"`},
		{"train unknown loss", []string{"train", "--loss", "mse"}, 2, `--loss "mse"`},
		{"train unknown preset", []string{"train", "--preset", "huge"}, 2, `unknown preset "huge"`},
		{"train unknown dataset", []string{"train", "--dataset", "imagenet"}, 2, `--dataset "imagenet"`},
		{"train resume without out", []string{"train", "--resume"}, 2, "--resume needs --out"},
		{"train schedule change without resume", []string{"train", "--allow-schedule-change"}, 2, "goes with --resume"},
		{"train extra argument", []string{"train", "extra"}, 2, `unexpected argument "extra"`},

		{"decode metric", []string{"decode", "--run", tmp, "--metric", "l1"}, 2, "unknown ONN metric"},
		{"decode holdout 1.5", []string{"decode", "--run", tmp, "--holdout", "1.5"}, 2, "--holdout 1.5"},
		{"decode holdout NaN", []string{"decode", "--run", tmp, "--holdout", "NaN"}, 2, "--holdout NaN"},
		{"decode holdout 0", []string{"decode", "--run", tmp, "--holdout", "0"}, 2, "--holdout 0"},
		{"decode max-iter 0", []string{"decode", "--run", tmp, "--max-iter", "0"}, 2, "--max-iter 0"},
		{"decode l2 -1", []string{"decode", "--run", tmp, "--l2", "-1"}, 2, "--l2 -1"},
		{"decode target-loss NaN", []string{"decode", "--run", tmp, "--target-loss", "NaN"}, 2, "--target-loss NaN"},
		{"decode seed -1", []string{"decode", "--run", tmp, "--seed", "-1"}, 2, "--seed -1"},
		{"decode table2 without comma", []string{"decode", "--table2", tmp}, 2, "LEARNED_DIR,ETF_DIR"},
		{"decode run and table2", []string{"decode", "--run", tmp, "--table2", tmp + "," + tmp}, 2, "not both"},

		{"ufm solve K 1", []string{"ufm", "solve", "--classes", "1", "--counts", "1:1"}, 2, "K = 1 classes"},
		{"ufm solve negative count", []string{"ufm", "solve", "--classes", "3", "--counts", "1:-3"}, 2, "negative"},
		{"ufm solve bad counts", []string{"ufm", "solve", "--classes", "3", "--counts", "x"}, 2, "--counts"},
		{"ufm solve multiplicity past K", []string{"ufm", "solve", "--classes", "3", "--counts", "4:1"}, 2, "outside [1, K]"},
		{"ufm solve counts twice", []string{"ufm", "solve", "--classes", "3", "--counts", "1:1,1:2"}, 2, "twice"},
		{"ufm solve both counts", []string{"ufm", "solve", "--classes", "3", "--counts", "1:1", "--set-counts", "0:1"}, 2, "not both"},
		{"ufm solve lambda-w NaN", []string{"ufm", "solve", "--classes", "3", "--counts", "1:1", "--lambda-w", "NaN"}, 2, "lambda-w = NaN"},
		{"ufm solve lambda-w 0", []string{"ufm", "solve", "--classes", "3", "--counts", "1:1", "--lambda-w", "0"}, 2, "lambda-w = 0"},
		{"ufm solve unsorted set key", []string{"ufm", "solve", "--classes", "3", "--set-counts", "1+0:3"}, 2, `want "0+1"`},
		{"ufm solve repeated set", []string{"ufm", "solve", "--classes", "3", "--set-counts", "0:1,0:2"}, 2, "twice"},
		{"ufm solve N overflows", []string{"ufm", "solve", "--classes", "66", "--counts", "33:2"}, 2, "overflows"},
		{"ufm solve C(K,m) overflows", []string{"ufm", "solve", "--classes", "70", "--counts", "35:1"}, 2, "overflows"},
		{"ufm solve C(10^9, 5 10^8)", []string{"ufm", "solve", "--classes", "1000000000", "--counts", "500000000:1"}, 2, "overflows"},
		{"ufm solve K 10^9 m K-1", []string{"ufm", "solve", "--classes", "1000000000", "--counts", "999999999:1"}, 0, "N             1000000000"},
		{"ufm solve K 40 m 20", []string{"ufm", "solve", "--classes", "40", "--counts", "20:1", "--lambda-w", "1e-12", "--lambda-h", "1e-12"}, 0, "N             137846528820"},
		{"ufm solve pal-n", []string{"ufm", "solve", "--classes", "4", "--counts", "1:3,2:2", "--loss", "pal-n"}, 0, "objective f*"},
		{"ufm solve ova", []string{"ufm", "solve", "--classes", "4", "--counts", "1:3", "--loss", "ova"}, 2, "pal and pal-n only"},
		{"ufm train init scale 0", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3,2:2", "--init-scale", "0"}, 2, "saddle"},
		{"ufm train init scale NaN", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3,2:2", "--init-scale", "NaN"}, 2, "init scale NaN"},
		{"ufm train momentum NaN", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--momentum", "NaN"}, 2, "momentum NaN"},
		{"ufm train grad-tol Inf", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--grad-tol", "Inf"}, 2, "grad tolerance +Inf"},
		{"ufm train lr Inf", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--lr", "Inf"}, 2, "learning rate +Inf"},
		{"ufm train history 0", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--method", "lbfgs", "--history", "0"}, 2, "--history 0, want >= 1"},
		{"ufm train dim 0", []string{"ufm", "train", "--classes", "4", "--counts", "1:3"}, 2, "d = 0"},
		{"ufm train method", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--method", "adam"}, 2, `unknown method "adam"`},
		{"ufm train dtype", []string{"ufm", "train", "--classes", "4", "--dim", "6", "--counts", "1:3", "--dtype", "int8"}, 2, `--dtype "int8"`},
		{"ufm train too large", []string{"ufm", "train", "--classes", "40", "--dim", "41", "--counts", "20:1"}, 2, "N = 137846528820 samples"},
		{"ufm train d < K-1 notes", []string{"ufm", "train", "--classes", "4", "--dim", "2", "--counts", "1:3,2:2", "--max-steps", "200", "--json"}, 0, "Theorem 1 does not apply"},

		{"data build without dataset", []string{"data", "build"}, 2, "--dataset is required"},
		{"data build empty train split", []string{"data", "build", "--dataset", "mnist-mlab", "--train-counts", "1:0", "--out", filepath.Join(tmp, "empty")}, 1, "mnist-mlab/quick/train has no samples"},
		{"data build empty test split (cache)", []string{"data", "build", "--dataset", "mnist-mlab", "--test-counts", "1:0,2:0", "--cache", filepath.Join(tmp, "cache")}, 1, "mnist-mlab/quick/test has no samples"},
		{"data build negative count", []string{"data", "build", "--dataset", "mnist-mlab", "--train-counts", "1:-5", "--out", filepath.Join(tmp, "neg")}, 1, "multiplicity 1 with -5 samples"},
		{"data build bad counts", []string{"data", "build", "--dataset", "mnist-mlab", "--train-counts", "x", "--out", filepath.Join(tmp, "neg")}, 2, `--train-counts: data: bad counts "x"`},
		{"data build unknown dataset", []string{"data", "build", "--dataset", "imagenet"}, 2, `--dataset "imagenet"`},
		{"data sheet without png", []string{"data", "sheet", tmp}, 2, "--png FILE is required"},
		{"data sheet per 0", []string{"data", "sheet", tmp, "--png", filepath.Join(tmp, "s.png"), "--per", "0"}, 2, "--per 0"},
		{"data sheet per huge", []string{"data", "sheet", tmp, "--png", filepath.Join(tmp, "s.png"), "--per", "100000"}, 2, "--per 100000"},
		{"data sheet not a data folder", []string{"data", "sheet", tmp, "--png", filepath.Join(tmp, "s.png")}, 1, "not a built data folder"},
		{"data stats without folder", []string{"data", "stats"}, 2, "missing folder argument"},
		{"data stats two folders", []string{"data", "stats", tmp, tmp}, 2, "unexpected argument"},
		{"data fetch without flags", []string{"data", "fetch"}, 2, "--dataset and --to are required"},
		{"evaluate missing file", []string{"evaluate", "--truth", filepath.Join(tmp, "y.npy"), "--pred", filepath.Join(tmp, "p.npy")}, 1, "y.npy"},
	})
	for _, left := range []string{"s.png", "empty", "neg"} {
		if _, err := os.Stat(filepath.Join(tmp, left)); !os.IsNotExist(err) {
			t.Errorf("a failed command left %s behind (%v)", filepath.Join(tmp, left), err)
		}
	}
}

// toyPair writes a run directory like writeToyRun with a summary.json of the
// given head, dataset and architecture, K = k.
func toyRunDir(t *testing.T, k int, head, dataset, arch string) string {
	t.Helper()
	dir := t.TempDir()
	n := 2 * k
	var x []float32
	var y []uint8
	for i := range n {
		for j := range k {
			x = append(x, float32(min(1, max(0, 1-(i%k-j)*(i%k-j)))))
			y = append(y, uint8(min(1, max(0, 1-(i%k-j)*(i%k-j)))))
		}
	}
	for _, split := range []string{"train", "test"} {
		if err := npyfile.Write(filepath.Join(dir, split+"_features.npy"), []int{n, k}, x); err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(filepath.Join(dir, split+"_labels.npy"), []int{n, k}, y); err != nil {
			t.Fatal(err)
		}
	}
	if err := npyfile.Write(filepath.Join(dir, "test_logits.npy"), []int{n, k}, x); err != nil {
		t.Fatal(err)
	}
	summary := fmt.Sprintf(`{"epochs":8,"arch":%q,"head":%q,"loss":"pal","dataset":%q,"trainable_parameters":100,"history":[]}`, arch, head, dataset)
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHostileRuns: decode refuses swapped, repeated and mismatched Table 2
// pairs and run directories it cannot read, naming what is wrong.
func TestHostileRuns(t *testing.T) {
	learned := toyRunDir(t, 3, "learned", "toy/quick/train", "mlp")
	etf := toyRunDir(t, 3, "etf", "toy/quick/train", "mlp")
	broken := toyRunDir(t, 3, "learned", "toy/quick/train", "mlp")
	if err := os.WriteFile(filepath.Join(broken, "summary.json"), []byte(`{"arch": `), 0o644); err != nil {
		t.Fatal(err)
	}
	badLog := toyRunDir(t, 3, "etf", "toy/quick/train", "mlp")
	if err := os.WriteFile(filepath.Join(badLog, "log.jsonl"), []byte("{\"epoch\":1}\n{\"epoch\":1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runHostile(t, []hostileCase{
		{"table2 good pair", []string{"decode", "--table2", learned + "," + etf}, 0, "| toy/quick | mlp |"},
		{"table2 swapped", []string{"decode", "--table2", etf + "," + learned}, 1, "wrong order"},
		{"table2 repeated", []string{"decode", "--table2", learned + "," + learned}, 1, "given as both runs"},
		{"table2 repeated through another path", []string{"decode", "--table2", learned + "," + learned + "/."}, 1, "given as both runs"},
		{"table2 two learned heads", []string{"decode", "--table2", learned + "," + toyRunDir(t, 3, "learned", "toy/quick/train", "mlp")}, 1, "want learned then etf"},
		{"table2 other data", []string{"decode", "--table2", learned + "," + toyRunDir(t, 3, "etf", "other/quick/train", "mlp")}, 1, "dataset differs"},
		{"table2 other architecture", []string{"decode", "--table2", learned + "," + toyRunDir(t, 3, "etf", "toy/quick/train", "smallcnn")}, 1, "architecture differs"},
		{"table2 other K", []string{"decode", "--table2", learned + "," + toyRunDir(t, 4, "etf", "toy/quick/train", "mlp")}, 1, "K = 3 labels"},
		{"table2 missing run", []string{"decode", "--table2", learned + "," + filepath.Join(t.TempDir(), "gone")}, 1, "summary.json"},
		{"table2 log with an epoch twice", []string{"decode", "--table2", learned + "," + badLog}, 1, "epoch 1 after epoch 1"},
		{"run with a broken summary", []string{"decode", "--run", broken}, 1, "summary.json"},
		{"run without arrays", []string{"decode", "--run", t.TempDir()}, 1, "train_features.npy"},
	})
}
