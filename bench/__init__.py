"""Benchmark of the portal on a synthetic province: ``python -m bench.run`` (or ``make bench``).

A run builds a fresh database of its own (never the portal's), then runs the registered steps in
order. Each step is a function in a module under ``bench/steps/``; the runner times it and the
figures end up in ``bench-results.json`` as one flat object ``{figure name: number}``.

Adding a figure later is adding a function::

    # bench/steps/filings.py
    from bench.registry import step

    @step("generate_filings_s", order=200)
    def generate_filings(ctx):
        ...  # the whole function is timed; ctx.measure()/ctx.record() for finer figures
"""
