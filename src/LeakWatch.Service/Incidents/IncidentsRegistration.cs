using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Incidents;

internal static class IncidentsRegistration
{
    /// <summary>The recorder that turns a scanned document's matches into incidents (and hands changes to alerting).</summary>
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddSingleton<IncidentRecorder>();
        services.AddSingleton<IIncidentRecorder>(sp => sp.GetRequiredService<IncidentRecorder>());
        services.AddSingleton<SignalIncidentRecorder>();
        return services;
    }
}
