# The portal's one image: web (gunicorn), worker and beat (celery) run it with different commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 1000 portal \
    && useradd --system --uid 1000 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first (pinned in pyproject.toml), so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY --chown=portal:portal . .

# Static files with whitenoise's manifest, made at build time. The throwaway key only marks the build
# as production (PRODUCTION = a SECRET_KEY is given) so that the manifest storage is used; it is not
# the runtime key, which comes from the environment.
RUN SECRET_KEY=build-time-only-collectstatic python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R portal:portal /app/staticfiles /app/media

USER portal
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", \
     "--access-logfile", "-", "--error-logfile", "-", "--forwarded-allow-ips", "*"]
