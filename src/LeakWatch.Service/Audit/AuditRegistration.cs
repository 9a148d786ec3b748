using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Audit;

internal static class AuditRegistration
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleSubKeys>();
        services.AddSingleton<AuditLog>();
        return services;
    }
}
