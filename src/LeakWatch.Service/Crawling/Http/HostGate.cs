using System.Collections.Concurrent;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// At most one request per interval to each host, whichever source asks: slots are handed out in order, and a waiter
/// sleeps on the injected <see cref="TimeProvider"/> until its slot. A host that answered Retry-After is left alone
/// until then.
/// </summary>
internal sealed class HostGate(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Slot> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask WaitAsync(string host, TimeSpan interval, CancellationToken cancellationToken)
    {
        var slot = _hosts.GetOrAdd(host, _ => new Slot());
        DateTimeOffset at;
        var now = time.GetUtcNow();
        lock (slot)
        {
            at = slot.Next > now ? slot.Next : now;
            slot.Next = at + interval;
        }
        var wait = at - now;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken);
    }

    /// <summary>Keeps every source off <paramref name="host"/> until <paramref name="until"/> (a Retry-After).</summary>
    public void Defer(string host, DateTimeOffset until)
    {
        var slot = _hosts.GetOrAdd(host, _ => new Slot());
        lock (slot)
        {
            if (until > slot.Next) slot.Next = until;
        }
    }

    private sealed class Slot
    {
        public DateTimeOffset Next;
    }
}
