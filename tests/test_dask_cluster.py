"""evaluate_dask on a real dask.distributed cluster, started by the test itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import perfkpi
from perfkpi.batch import evaluate_batch, evaluate_dask

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

SCHEME = perfkpi.Scheme(
    "s",
    "示例",
    [
        perfkpi.Node(
            "1", "预算执行率", points=40, target="≥100", rule=perfkpi.Proportional()
        ),
        perfkpi.Node(
            "2", "满意度", points=60, target="≥90", rule=perfkpi.Proportional()
        ),
    ],
)


# dask's parquet reader calls reset_index(inplace=True), which pandas 3 deprecates:
# not perfkpi's to fix
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
@pytest.mark.parametrize(
    "processes",
    [
        # workers as threads of this process: the scheduler, the task graph and
        # the two workers are the real ones, started in a second or two
        False,
        # workers in their own processes: every task is pickled across
        pytest.param(True, marks=pytest.mark.slow),
    ],
)
def test_a_partitioned_parquet_dataset_on_a_local_cluster(
    tmp_path: Path,
    processes: bool,
) -> None:
    rng = np.random.default_rng(11)
    n = 4000
    frame = pd.DataFrame(
        {
            "id": [f"单位{i}" for i in range(n)],
            "1": rng.uniform(50, 120, n),
            "2": rng.uniform(50, 120, n),
        }
    )
    frame.loc[7, "1"] = np.nan  # a bad row: NaN and its reason, on the cluster too
    folder = tmp_path / "table"
    dd.from_pandas(frame, npartitions=4).to_parquet(folder, write_index=False)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        lazy = evaluate_dask(SCHEME, dd.read_parquet(folder), id_column="id")
        scored = lazy.compute()
    expected = evaluate_batch(SCHEME, frame, id_column="id").to_frame(backend="pandas")
    assert len(scored) == n
    # the same rows, whatever the partitions: compare by id
    got = scored.set_index("id").loc[frame["id"]]
    assert np.allclose(
        got["total"].to_numpy(), expected["total"].to_numpy(), equal_nan=True
    )
    assert got["grade"].tolist() == expected["grade"].tolist()
    assert got["reason"].iloc[7] == expected["reason"].iloc[7] != ""
    # one row by hand: 40 × min(1, x/100) + 60 × min(1, y/90), rounded to 2 places
    x, y = frame.loc[0, "1"], frame.loc[0, "2"]
    by_hand = round(40 * min(1, x / 100), 2) + round(60 * min(1, y / 90), 2)
    assert got["total"].iloc[0] == pytest.approx(by_hand, abs=1e-9)
