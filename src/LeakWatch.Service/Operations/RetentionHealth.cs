using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeakWatch.Service.Operations;

/// <summary>
/// How the last retention purge in this process ended: a purge that keeps failing keeps every old row, and must not
/// look like a quiet night. In memory: after a restart it is unknown until the next purge.
/// </summary>
internal sealed class RetentionHealth
{
    private string? _failure;

    /// <summary>The failure's kind (an exception type, never its message), or null after a purge that worked.</summary>
    public string? LastFailure => Volatile.Read(ref _failure);

    public void Succeeded() => Volatile.Write(ref _failure, null);

    public void Failed(string kind) => Volatile.Write(ref _failure, kind);
}

/// <summary>/readyz: degraded while the last purge failed.</summary>
internal sealed class RetentionCheck(RetentionHealth retention) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(retention.LastFailure is { } kind
            ? HealthCheckResult.Degraded($"the last retention purge failed ({kind}): old rows are kept until a purge works; see the service log")
            : HealthCheckResult.Healthy("no failed retention purge"));
}
