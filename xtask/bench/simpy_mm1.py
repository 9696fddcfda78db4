"""M/M/1 in SimPy, the Python discrete-event library most people would reach for: the same model as
Switchyard's mm1 preset (Poisson arrivals at 80/s, one worker, exponential service with mean 10 ms).
Prints JSON: customers, events (SimPy's scheduled events), wall seconds, events per second, mean sojourn."""
import json
import random
import sys
import time

import simpy


def main(customers: int, seed: int) -> None:
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    total = [0.0, 0]
    lam, mu = 80.0, 100.0

    def customer(env):
        start = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(mu))
        total[0] += env.now - start
        total[1] += 1

    def source(env):
        for _ in range(customers):
            env.process(customer(env))
            yield env.timeout(rng.expovariate(lam))

    # Count every event SimPy schedules, as Switchyard counts every event it processes.
    counted = [0]
    schedule = env.schedule

    def counting_schedule(event, priority=1, delay=0):
        counted[0] += 1
        return schedule(event, priority, delay)

    env.schedule = counting_schedule
    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    wall = time.perf_counter() - t0
    print(json.dumps({
        "customers": customers,
        "events": counted[0],
        "wall_s": wall,
        "events_per_s": counted[0] / wall,
        "customers_per_s": customers / wall,
        "mean_sojourn_ms": total[0] / total[1] * 1000.0,
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000, int(sys.argv[2]) if len(sys.argv) > 2 else 1)
