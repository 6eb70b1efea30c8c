"""Parse files as tasks on an existing Dask cluster (`jixiao ingest --executor dask://HOST:PORT`).

OCR runs at seconds a page, so a national scan corpus needs more than one machine. Only the parse is
sent out: each task reads one file (the workers must see the same paths, e.g. a shared mount) and returns
its Document; this process stays the one writer, storing each document in its own transaction, exactly as
a local ingest does. A task whose worker dies is run again on another worker by the scheduler, and results
are taken once each as they complete, so a lost worker neither loses nor doubles a file (and the store
keeps one document per content hash whatever happens).
"""

from __future__ import annotations

from collections.abc import Iterator

from .errors import JixiaoError

SCHEME = "dask://"
MAX_TRIES = 3  # a file whose task fails this often on the cluster is reported failed, not retried again


def is_dask(executor: str | None) -> bool:
    return bool(executor) and executor.startswith(SCHEME)


def _address(executor: str) -> str:
    rest = executor[len(SCHEME):].strip().rstrip("/")
    if not rest:
        raise JixiaoError("--executor 需要 dask://主机:端口")
    return rest if "://" in rest else f"tcp://{rest}"


_installed: frozenset[str] | None = None  # on a worker: the broadcast set of stored hashes last copied in


def _parse_remote(args: tuple[str, int, bool], known: frozenset[str]):
    """On a worker: the same per-file parse as a local worker process."""
    from . import ingest

    global _installed
    if _installed is not known:  # the broadcast set, copied in once per worker (not per task)
        ingest._init_worker(known)
        _installed = known
    return ingest._parse_one(args)


def parse_on_dask(executor: str, tasks: list[tuple[str, int, bool]],
                  known: set[str]) -> Iterator[tuple]:
    """Yield (path, document or None, sha256, error) for every task, in the order they finish."""
    if not is_dask(executor):
        raise JixiaoError(f"--executor 只支持 dask://主机:端口（收到 {executor}）")
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise JixiaoError("使用 Dask 集群需要安装 pip install 'jixiao[dask]'") from exc
    address = _address(executor)
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise JixiaoError(f"无法连接 Dask 集群 {address}（{type(exc).__name__}）") from exc
    try:
        # one copy of the stored hashes on every worker (a list: scatter would spread a set item by item)
        [known_f] = client.scatter([frozenset(known)], broadcast=True, hash=False)
        futures = client.map(_parse_remote, tasks, known=known_f, pure=False,
                             key=[f"jixiao-parse-{i}-{t[0]}" for i, t in enumerate(tasks)])
        task_of = {f.key: i for i, f in enumerate(futures)}
        tries = dict.fromkeys(range(len(tasks)), 1)
        # this client's own loop: the default client may be another one in the same process, and futures
        # waited on from a loop that is not their client's fail with 'bound to a different event loop'
        pending = as_completed(futures, loop=client.loop)
        for future in pending:
            i = task_of.pop(future.key)
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - the task itself never raises (_parse_one words every
                # error), so this is the cluster: a worker killed too often, or a result lost while a dead
                # worker's tasks were moved. Run the file again under a fresh key, a bounded number of times.
                if tries[i] < MAX_TRIES:
                    tries[i] += 1
                    again = client.submit(_parse_remote, tasks[i], known=known_f, pure=False,
                                          key=f"jixiao-parse-{i}-try{tries[i]}-{tasks[i][0]}")
                    task_of[again.key] = i
                    pending.add(again)
                else:
                    yield tasks[i][0], None, None, f"集群上解析失败（{type(exc).__name__}: {exc}）"
            future.release()
    finally:
        client.close()
