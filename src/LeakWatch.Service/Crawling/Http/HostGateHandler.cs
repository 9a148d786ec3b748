using System.Net;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// Sits inside the resilience handler, so that every attempt, retries included, waits for its host's slot.
/// </summary>
internal sealed class HostGateHandler(HostGate gate, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.IdnHost;
        var interval = request.Options.TryGetValue(CrawlRequestOptions.Interval, out var i) ? i : TimeSpan.FromSeconds(1);
        await gate.WaitAsync(host, interval, cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            gate.Answered(host);
        }
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is { } retryAfter)
        {
            var until = retryAfter.Delta is { } delta ? time.GetUtcNow() + delta : retryAfter.Date ?? time.GetUtcNow();
            // A server asking for days is not obeyed for days by the gate: the request fails and the next run tries again.
            var cap = time.GetUtcNow() + TimeSpan.FromHours(1);
            gate.Defer(host, until < cap ? until : cap);
        }
        return response;
    }
}
