using System.Text.Json;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace LeakWatch.Service.Operations;

/// <summary>
/// <c>/healthz</c> (the process answers), <c>/readyz</c> (database, key, enrollment, sources, outbox) and <c>/metrics</c>
/// (Prometheus) on the service's web listener. No authentication, so they carry nothing sensitive: statuses, counts,
/// source names.
/// </summary>
/// <remarks>
/// The listener's application has a container of its own (the framework's); the health checks and the meter provider
/// live in the service's, so they are taken from it here rather than through <c>MapHealthChecks</c>, which looks for
/// them in the application's container.
/// </remarks>
internal sealed class HealthEndpoints(HealthCheckService health, MeterProvider meters) : IWebEndpoints
{
    public const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    public void Map(IEndpointRouteBuilder endpoints)
    {
        // Alive: the process answers; no check runs.
        endpoints.MapGet("/healthz", context => CheckAsync(context, _ => false)).AllowAnonymous();
        endpoints.MapGet("/readyz", context => CheckAsync(context, r => r.Tags.Contains(ReadyTag))).AllowAnonymous();
        endpoints.MapPrometheusScrapingEndpoint("/metrics", meters, null, null).AllowAnonymous();
    }

    private async Task CheckAsync(HttpContext context, Func<HealthCheckRegistration, bool> predicate)
    {
        var report = await health.CheckHealthAsync(predicate, context.RequestAborted);
        // Degraded (an old enrollment, no source) still serves; the body says why.
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        await WriteAsync(context, report);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
