using System.Diagnostics.Metrics;
using LeakWatch.Service.Crawling.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeakWatch.Service.Tests.Crawling;

public sealed class HostGateTests
{
    [Fact]
    public async Task WaitAsync_PreviousAnswerCameLate_WaitsAnIntervalFromTheAnswer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var gate = new HostGate(time, services.GetRequiredService<IMeterFactory>());
        await gate.WaitAsync("forum.test", TimeSpan.FromSeconds(1), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(5)); // the request took 5 s to be answered
        gate.Answered("forum.test");
        var next = gate.WaitAsync("forum.test", TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(999));

        Assert.False(next.IsCompleted, "let through less than an interval after the previous answer");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next;
    }

    /// <summary>A request that fails late (a connection reset after 5 s) counts as answered when it failed.</summary>
    [Fact]
    public async Task SendAsync_RequestFailsLate_NextWaitsAnIntervalFromTheFailure()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var gate = new HostGate(time, services.GetRequiredService<IMeterFactory>());
        using var invoker = new HttpMessageInvoker(new HostGateHandler(gate, time) { InnerHandler = new FailsAfter(time, TimeSpan.FromSeconds(5)) });

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://forum.test/"), CancellationToken.None));
        var next = gate.WaitAsync("forum.test", TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(999));

        Assert.False(next.IsCompleted, "let through less than an interval after the previous request failed");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next;
    }

    /// <summary>The outside network: the request takes its time on the clock, then the connection fails.</summary>
    private sealed class FailsAfter(FakeTimeProvider time, TimeSpan after) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            time.Advance(after);
            throw new HttpRequestException("connection reset");
        }
    }
}
