using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

internal static class EnrollmentRegistration
{
    public static IServiceCollection AddEnrollment(this IServiceCollection services)
    {
        services.AddSingleton<Enroller>();
        services.AddSingleton<PatientResolver>();
        return services;
    }
}
