"""Notebooks 01-02: the housing loader (the checks are in tests/checks/)."""

import matplotlib

matplotlib.use("Agg")

import hashlib

import numpy as np
import pytest

import utils
from utils import (
    HOUSING_FILENAME,
    load_housing,
)

HOUSING = utils.DATA_DIR / HOUSING_FILENAME
HOUSING_SHA256 = "1504a1d9c5ef8028130d3cf9f657e2fdbb5d861dd01110a76b136a73c82a1373"


def yes_no_or_float(text: str) -> float:
    return {"yes": 1.0, "no": 0.0}[text] if text in ("yes", "no") else float(text)


def write_csv(tmp_path, text: str):
    path = tmp_path / "houses.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# load_housing
# --------------------------------------------------------------------------


def test_default_file_loads_every_column_like_numpy_loadtxt():
    x, y, names = load_housing()
    reference = np.loadtxt(
        HOUSING, delimiter=",", skiprows=1, converters=yes_no_or_float
    )
    header = HOUSING.read_text().splitlines()[0].split(",")
    assert names == header[1:] and len(names) == 11
    assert x.shape == (546, 11) and y.shape == (546,)
    assert x.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(y, reference[:, 0])
    np.testing.assert_array_equal(x, reference[:, 1:])


def test_yes_no_columns_become_one_and_zero():
    x, _, names = load_housing(features=["prefarea", "airco"])
    lines = HOUSING.read_text().splitlines()[1:]
    assert names == ["prefarea", "airco"]
    assert set(np.unique(x)) == {0.0, 1.0}
    assert x[:, 0].sum() == sum(line.endswith(",yes") for line in lines)


def test_features_come_in_the_order_asked_and_any_column_can_be_the_target():
    x, y, names = load_housing(features=["stories", "lotsize"], target="bedrooms")
    everything, price, all_names = load_housing()
    assert names == ["stories", "lotsize"]
    np.testing.assert_array_equal(x[:, 1], everything[:, all_names.index("lotsize")])
    np.testing.assert_array_equal(y, everything[:, all_names.index("bedrooms")])
    assert not np.array_equal(y, price)


def test_small_file_with_spaces_and_capitals(tmp_path):
    path = write_csv(tmp_path, "price, size ,pool\n100, 2.5, Yes\n\n80,1e1,NO\n")
    x, y, names = load_housing(path, features=["pool", "size"])
    assert names == ["pool", "size"]
    np.testing.assert_array_equal(x, [[1.0, 2.5], [0.0, 10.0]])
    np.testing.assert_array_equal(y, [100.0, 80.0])


def test_loading_touches_nothing_on_disk(tmp_path):
    path = write_csv(tmp_path, "price,size\n1,2\n")
    before = path.stat().st_mtime_ns
    load_housing(path)
    load_housing()
    assert [p.name for p in tmp_path.iterdir()] == ["houses.csv"]
    assert path.stat().st_mtime_ns == before
    assert hashlib.sha256(HOUSING.read_bytes()).hexdigest() == HOUSING_SHA256


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(utils.DataNotFoundError, match=r"nope\.csv: housing data not"):
        load_housing(missing)
    with pytest.raises(FileNotFoundError):  # also a FileNotFoundError
        load_housing(missing)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"houses\.csv: the file is empty"),
        ("\n\n", r"houses\.csv: the file is empty"),
        ("price,size\n", r"houses\.csv: the file has a header but no data rows"),
        ("price,size\n1,2\n3\n", r"houses\.csv, line 3: 1 fields, expected 2"),
        ("price,size\n1,big\n", r"houses\.csv, line 2, column 'size': 'big' is not"),
        ("price,size\n1,\n", r"line 2, column 'size': '' is not a number"),
        ("price,size\nnan,2\n", r"line 2, column 'price': 'nan' is not a number"),
        ("price,size\n1,inf\n", r"column 'size': 'inf' is not a number"),
        ("size,rooms\n1,2\n", r"houses\.csv: no column\(s\) \['price'\]"),
    ],
)
def test_malformed_files_say_where_and_what(tmp_path, text, message):
    with pytest.raises(utils.DataError, match=message):
        load_housing(write_csv(tmp_path, text))


def test_missing_feature_columns_are_listed_with_what_the_file_has():
    with pytest.raises(utils.DataError, match=r"no column\(s\) \['age', 'pool'\]"):
        load_housing(features=["lotsize", "age", "pool"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"features": "lotsize"}, TypeError, "list of column names"),
        ({"features": 3}, TypeError, "list of column names"),
        ({"features": []}, ValueError, "one or more column names"),
        ({"features": ["lotsize", 2]}, ValueError, "one or more column names"),
        ({"features": ["lotsize", "lotsize"]}, ValueError, "distinct"),
        ({"features": ["price", "lotsize"]}, ValueError, "exclude the target"),
        ({"target": 0}, TypeError, "target must be a column name"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_housing(**kwargs)
