FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build python manage.py compilemessages --ignore=.venv \
    && DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "diaspora.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
