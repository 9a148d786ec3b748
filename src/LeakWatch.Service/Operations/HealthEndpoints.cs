using System.Text.Json;
using LeakWatch.Service.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeakWatch.Service.Operations;

/// <summary>
/// <c>/healthz</c> (the process answers), <c>/readyz</c> (database, key, enrollment, sources, outbox) and <c>/metrics</c>
/// (Prometheus) on the service's web listener. No authentication, so they carry nothing sensitive: statuses, counts,
/// source names.
/// </summary>
internal sealed class HealthEndpoints : IWebEndpoints
{
    public const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
            // Degraded (an old enrollment, no source) still serves; the body says why.
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status200OK },
        }).AllowAnonymous();
        endpoints.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
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
