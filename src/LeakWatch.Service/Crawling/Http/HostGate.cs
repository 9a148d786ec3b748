using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// At most one request per interval to each host, whichever source asks. The interval runs from the later of the
/// moment the previous request was let through (not from when it was queued) and the moment its answer came back (or
/// it failed): the host has received a request by the time it answers, so a request that follows an answered one
/// reaches the host at least an interval after it, however long that one took to get there (a new connection, a slow
/// proxy, a busy machine). Two sources on one host can still each have a request on the wire, an interval apart at
/// release. Waiting is on the injected <see cref="TimeProvider"/>. A host that answered Retry-After is left alone until
/// then.
/// </summary>
internal sealed class HostGate
{
    public const string MeterName = "LeakWatch.Crawling";
    public const string RequestsInstrument = "leakwatch.crawler.requests";

    private readonly ConcurrentDictionary<string, Slot> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly Counter<long> _released;

    public HostGate(TimeProvider time, IMeterFactory meters)
    {
        _time = time;
        // Requests let through, per host: what each host actually receives from us.
        _released = meters.Create(MeterName).CreateCounter<long>(RequestsInstrument, "{request}", "Requests let through to a host by the per-host gate");
    }

    public async ValueTask WaitAsync(string host, TimeSpan interval, CancellationToken cancellationToken)
    {
        var slot = _hosts.GetOrAdd(host, _ => new Slot());
        while (true)
        {
            TimeSpan wait;
            lock (slot)
            {
                var now = _time.GetUtcNow();
                var earliest = slot.Last is { } last ? last + interval : now;
                if (slot.DeferredUntil > earliest) earliest = slot.DeferredUntil;
                if (now >= earliest)
                {
                    slot.Last = now;
                    _released.Add(1, new KeyValuePair<string, object?>("host", host));
                    return;
                }
                wait = earliest - now;
            }
            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>The request last let through to <paramref name="host"/> got its answer (or failed): the interval runs from now.</summary>
    public void Answered(string host)
    {
        var slot = _hosts.GetOrAdd(host, _ => new Slot());
        lock (slot)
        {
            var now = _time.GetUtcNow();
            if (slot.Last is not { } last || now > last) slot.Last = now;
        }
    }

    /// <summary>Keeps every source off <paramref name="host"/> until <paramref name="until"/> (a Retry-After).</summary>
    public void Defer(string host, DateTimeOffset until)
    {
        var slot = _hosts.GetOrAdd(host, _ => new Slot());
        lock (slot)
        {
            if (until > slot.DeferredUntil) slot.DeferredUntil = until;
        }
    }

    private sealed class Slot
    {
        /// <summary>The last release or answer, whichever came later.</summary>
        public DateTimeOffset? Last;
        public DateTimeOffset DeferredUntil;
    }
}
