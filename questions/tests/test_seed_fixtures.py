"""The two seed question sets that ship as fixtures: complete and faithful to their source
documents. That they are safe to load again on top of a live bank is in test_seed_loading.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from questions.models import Question, QuestionSet, Topic
from questions.tests.factories import load_seeds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeds")]

JUNIOR = "junior-backend-developer"
BACKEND = "backend-developer"


@pytest.fixture(scope="module")
def seeds(django_db_setup, django_db_blocker):
    """The seeds, loaded once for the module and rolled back after it, as
    TestCase.setUpTestData does: every test here only reads them, each in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds()
        yield
        transaction.set_rollback(True)


JUNIOR_SLUGS = [
    "frontend-vs-backend",
    "backend-languages",
    "restful-apis",
    "database-indexes",
    "sql",
    "sessions",
    "middleware",
    "database-normalization",
    "restful-routes",
    "version-control",
    "web-frameworks",
    "sync-vs-async",
    "caching",
    "load-balancing",
    "database-migrations",
    "api-rate-limiting",
    "microservices",
    "data-security-and-privacy",
    "nosql-databases",
    "error-handling-and-logging",
    "websockets",
    "containerization",
    "query-optimization",
    "ci-cd",
]
BACKEND_SLUGS = [
    "full-stack-development",
    "relational-vs-nosql",
    "restful-apis",
    "caching",
    "database-migrations",
    "authentication-and-authorization",
    "scaling",
    "third-party-apis",
    "data-security",
    "debugging",
    "long-running-tasks",
    "tight-deadlines",
    "team-collaboration",
    "continuous-learning",
    "refactoring",
    "conflict-resolution",
]
BEHAVIOURAL_SLUGS = BACKEND_SLUGS[-5:]

# Backend paragraphs with no sentence on why the question matters: their intent is written for
# the fixture (one sentence), so it is the one field not taken from the document.
BACKEND_WRITTEN_INTENT = {
    "full-stack-development",
    "relational-vs-nosql",
    "restful-apis",
    "caching",
    "database-migrations",
    "authentication-and-authorization",
    "scaling",
    "third-party-apis",
    "debugging",
    "long-running-tasks",
}
GUIDANCE_OPENINGS = ("Candidates should", "Look for candidates", "They should")

# Every technology, tool, technique and example the documents name, per question: each must
# appear in that question's answer points.
NAMED_TERMS = {
    (JUNIOR, "frontend-vs-backend"): [
        "user interface",
        "client-side",
        "HTML",
        "CSS",
        "JavaScript",
        "server-side logic",
        "databases",
        "server performance",
        "server optimization",
    ],
    (JUNIOR, "backend-languages"): [
        "Python",
        "Ruby",
        "Java",
        "Node.js",
        "versatility",
        "simplicity",
        "enterprise-level",
        "real-time",
    ],
    (JUNIOR, "restful-apis"): [
        "architectural style",
        "statelessness",
        "HTTP methods",
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "URLs",
        "clients and servers",
        "scalable",
    ],
    (JUNIOR, "database-indexes"): [
        "data retrieval",
        "data structure",
        "lookups",
        "table of contents",
        "query performance",
    ],
    (JUNIOR, "sql"): [
        "Structured Query Language",
        "relational databases",
        "manipulate",
        "creating",
        "updating",
        "querying",
    ],
    (JUNIOR, "sessions"): [
        "user-specific data",
        "server",
        "user state",
        "multiple requests",
        "login credentials",
        "shopping cart",
        "personalized",
    ],
    (JUNIOR, "middleware"): [
        "software layer",
        "intermediary",
        "authentication",
        "logging",
        "request processing",
        "preprocessing",
        "request-response cycle",
    ],
    (JUNIOR, "database-normalization"): [
        "relational database",
        "redundancy",
        "data integrity",
        "smaller, related tables",
        "relationships",
    ],
    (JUNIOR, "restful-routes"): [
        "URLs",
        "CRUD",
        "Create",
        "Read",
        "Update",
        "Delete",
        "GET /users",
        "POST /users",
        "REST principles",
    ],
    (JUNIOR, "version-control"): [
        "track",
        "collaborate",
        "code history",
        "previous versions",
        "code stability",
    ],
    (JUNIOR, "web-frameworks"): [
        "structured way",
        "reusable components",
        "Django",
        "Python",
        "Ruby on Rails",
        "Express.js",
        "Node.js",
        "URL routing",
        "database management",
        "authentication",
    ],
    (JUNIOR, "sync-vs-async"): [
        "Synchronous",
        "one task at a time",
        "waiting times",
        "Asynchronous",
        "concurrently",
        "efficiency",
        "responsiveness",
    ],
    (JUNIOR, "caching"): [
        "frequently used data",
        "temporary storage",
        "memory",
        "disk",
        "repeated computation",
        "performance",
    ],
    (JUNIOR, "load-balancing"): [
        "network traffic",
        "multiple servers",
        "high availability",
        "server overload",
        "performance",
        "reliability",
    ],
    (JUNIOR, "database-migrations"): [
        "database schema",
        "migration tools",
        "framework",
        "library",
        "data integrity",
        "version control",
    ],
    (JUNIOR, "api-rate-limiting"): [
        "number of requests",
        "time frame",
        "abuse",
        "fair usage",
        "middleware",
        "API gateway",
    ],
    (JUNIOR, "microservices"): [
        "small, independent services",
        "specific functionality",
        "APIs",
        "deployed",
        "scalability",
        "flexibility",
        "maintenance",
    ],
    (JUNIOR, "data-security-and-privacy"): [
        "encryption",
        "secure authentication",
        "data protection regulations",
        "GDPR",
        "best practices",
    ],
    (JUNIOR, "nosql-databases"): [
        "flexibility",
        "scalability",
        "unstructured data",
        "ACID transactions",
        "learning curve",
        "relational databases",
    ],
    (JUNIOR, "error-handling-and-logging"): [
        "try-catch",
        "middleware",
        "logging",
        "debugging",
        "monitoring",
        "production",
    ],
    (JUNIOR, "websockets"): [
        "bidirectional",
        "real-time",
        "request-response",
        "HTTP",
        "push updates",
        "chat",
        "online gaming",
        "live notifications",
    ],
    (JUNIOR, "containerization"): [
        "dependencies",
        "containers",
        "consistent",
        "portable",
        "environments",
        "isolation",
        "scalability",
    ],
    (JUNIOR, "query-optimization"): [
        "indexing",
        "query optimization",
        "query execution plans",
        "profiling tools",
        "bottlenecks",
    ],
    (JUNIOR, "ci-cd"): [
        "Continuous Integration",
        "Continuous Deployment",
        "shared repository",
        "automated tests",
        "deployment process",
        "frequent and reliable releases",
        "human error",
    ],
    (BACKEND, "full-stack-development"): [
        "frontend",
        "backend",
        "multiple technologies and frameworks",
        "user interfaces",
        "server-side logic",
        "databases",
        "development stack",
        "conception to completion",
        "user experience",
    ],
    (BACKEND, "relational-vs-nosql"): [
        "tables",
        "predefined relationships",
        "SQL",
        "flexible schemas",
        "key-value pairs",
        "documents",
        "graphs",
        "project's requirements",
        "scalability needs",
        "complexity of data relationships",
    ],
    (BACKEND, "restful-apis"): [
        "Representational State Transfer",
        "architectural style",
        "stateless",
        "HTTP methods",
        "scalable",
        "decoupled",
        "retrieval",
        "modification",
        "deletion",
        "components",
    ],
    (BACKEND, "caching"): [
        "frequently accessed data",
        "memory",
        "fast storage layer",
        "server load",
        "response times",
        "in-memory caching",
        "Redis",
        "Memcached",
        "HTTP caching headers",
        "content delivery networks",
        "CDNs",
        "static assets",
    ],
    (BACKEND, "database-migrations"): [
        "structural changes",
        "existing data",
        "controlled manner",
        "migration tools",
        "Django's ORM",
        "Liquibase",
        "rollback scripts",
        "data integrity",
        "testing",
        "data loss",
        "downtime",
    ],
    (BACKEND, "authentication-and-authorization"): [
        "Authentication verifies identity",
        "authorization determines access rights",
        "OAuth",
        "JWT",
        "password hashing",
        "middleware",
        "route protection",
        "session management",
        "token-based authentication",
        "credentials",
        "permissions",
    ],
    (BACKEND, "scaling"): [
        "load balancing",
        "horizontal scaling",
        "adding more servers",
        "caching",
        "database queries",
        "message queues",
        "distributed systems",
        "monitoring performance",
        "bottlenecks",
        "architectural changes",
    ],
    (BACKEND, "third-party-apis"): [
        "documentation",
        "authenticated API requests",
        "pagination",
        "rate limiting",
        "errors or exceptions",
        "API client libraries",
        "wrapper functions",
        "retry mechanisms",
        "API keys",
        "access tokens",
    ],
    (BACKEND, "data-security"): [
        "encryption",
        "sensitive data",
        "password storage",
        "role-based access control",
        "industry-standard security practices",
        "HTTPS",
        "vulnerabilities",
        "patches",
    ],
    (BACKEND, "debugging"): [
        "reproducing the issue",
        "server logs",
        "error messages",
        "debugging tools",
        "logging",
        "monitoring tools",
        "code reviews",
        "unit tests",
        "version control",
        "release management",
    ],
    (BACKEND, "long-running-tasks"): [
        "background queues",
        "workers",
        "task scheduling",
        "Celery",
        "job queues",
        "message brokers",
        "RabbitMQ",
        "Apache Kafka",
        "distributed computing",
        "asynchronous processing",
        "decoupling",
    ],
    (BACKEND, "tight-deadlines"): [
        "pressure",
        "deadlines",
        "prioritizing tasks",
        "managing time",
        "stakeholders",
        "smaller milestones",
    ],
    (BACKEND, "team-collaboration"): [
        "collaboratively",
        "regular meetings",
        "stand-ups",
        "open channels of communication",
        "collaboration tools",
        "project management systems",
    ],
    (BACKEND, "continuous-learning"): [
        "personal projects",
        "online tutorials",
        "documentation",
        "developer communities",
        "forums",
        "conferences",
        "workshops",
        "new technologies",
    ],
    (BACKEND, "refactoring"): [
        "code analysis",
        "performance bottlenecks",
        "best practices",
        "measuring the impact",
        "code quality",
        "technical debt",
        "system performance",
        "maintainability",
    ],
    (BACKEND, "conflict-resolution"): [
        "listens",
        "different perspectives",
        "constructive feedback",
        "best technical solution",
        "respectful",
        "open environment",
    ],
}


def seeds_dir():
    """The source documents, kept in the repository beside the fixtures written from them
    (they came from ../shared/seeds), so the faithfulness tests run wherever the code is
    checked out, CI included: a missing copy fails them rather than skipping them."""
    path = Path(settings.BASE_DIR) / "fixtures" / "seeds"
    if not path.is_dir():
        pytest.fail(f"The source documents are not at {path}.", pytrace=False)
    return path


def test_missing_source_documents_fail_the_faithfulness_tests(settings, tmp_path):
    settings.BASE_DIR = tmp_path / "checkout"
    with pytest.raises(pytest.fail.Exception, match="The source documents are not at"):
        seeds_dir()


@pytest.mark.parametrize("name", ["junior-backend-developer.txt", "backend-developer.txt"])
def test_the_copies_are_the_shared_source_documents(name):
    shared = Path(settings.BASE_DIR).parent / "shared" / "seeds" / name
    if not shared.is_file():
        pytest.skip(f"No shared source document at {shared} to compare the copy with.")
    assert (seeds_dir() / name).read_bytes() == shared.read_bytes()


def split_sentences(text):
    return [sentence for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if sentence]


def junior_document():
    """Each numbered question of the junior document: (prompt, intent, guidance, answer)."""
    text = (seeds_dir() / "junior-backend-developer.txt").read_text(encoding="utf-8")
    parts = re.split(r"^\d+\. ", text, flags=re.MULTILINE)[1:]
    questions = []
    for part in parts:
        prompt, intent, how, example = [line for line in part.splitlines() if line.strip()][:4]
        assert how.startswith("How to answer: ")
        assert example.startswith('Example Answer: "') and example.endswith('"')
        guidance = how.removeprefix("How to answer: ")
        questions.append(
            (prompt, intent, guidance, example.removeprefix('Example Answer: "')[:-1])
        )
    return questions


def backend_document():
    """The backend document's first line, then its paragraphs (one question each)."""
    text = (seeds_dir() / "backend-developer.txt").read_text(encoding="utf-8")
    first, *paragraphs = [line for line in text.splitlines() if line.strip()]
    return first, paragraphs


def questions_of(set_slug):
    return list(Question.objects.filter(question_set__slug=set_slug).order_by("position"))


def test_the_sets_and_their_questions():
    junior, backend = QuestionSet.objects.get(slug=JUNIOR), QuestionSet.objects.get(slug=BACKEND)
    assert (junior.title, junior.level, junior.source) == (
        "Junior Backend Developer",
        "junior",
        "junior-backend-developer.txt",
    )
    assert (backend.title, backend.level, backend.source) == (
        "Backend Developer",
        "mid",
        "backend-developer.txt",
    )
    assert [q.slug for q in questions_of(JUNIOR)] == JUNIOR_SLUGS
    assert [q.slug for q in questions_of(BACKEND)] == BACKEND_SLUGS
    assert [q.position for q in questions_of(JUNIOR)] == list(range(1, 25))
    assert [q.position for q in questions_of(BACKEND)] == list(range(1, 17))
    assert [q.kind for q in questions_of(JUNIOR)] == ["technical"] * 24
    assert [q.kind for q in questions_of(BACKEND)] == ["technical"] * 11 + ["behavioural"] * 5
    assert [q.topic.slug for q in questions_of(BACKEND)][-5:] == ["behavioural"] * 5
    assert [q.slug for q in Question.objects.filter(kind="behavioural")] == BEHAVIOURAL_SLUGS
    assert Question.objects.filter(topic__isnull=True).count() == 0
    assert Question.objects.count() == 40
    assert set(Question.objects.values_list("suggested_minutes", "is_active")) == {(5, True)}


def test_the_topics():
    assert list(Topic.objects.values_list("position", "slug", "name")) == [
        (1, "fundamentals", "Fundamentals"),
        (2, "databases", "Databases"),
        (3, "apis", "APIs"),
        (4, "caching-and-performance", "Caching and performance"),
        (5, "security", "Security"),
        (6, "architecture-and-scaling", "Architecture and scaling"),
        (7, "tooling-and-process", "Tooling and process"),
        (8, "behavioural", "Behavioural"),
    ]


def test_every_question_has_three_to_seven_points_of_weight_one():
    for question in Question.objects.all():
        points = list(question.points.order_by("position"))
        assert 3 <= len(points) <= 7, question.slug
        assert [p.position for p in points] == list(range(1, len(points) + 1)), question.slug
        assert [p.weight for p in points] == [1] * len(points), question.slug
        assert all(p.text.strip() == p.text and p.text for p in points), question.slug


def test_the_junior_questions_are_the_documents_text():
    document = junior_document()
    assert len(document) == 24
    for question, (prompt, intent, guidance, answer) in zip(
        questions_of(JUNIOR), document, strict=True
    ):
        assert question.prompt == prompt
        assert question.intent == intent
        assert question.guidance == guidance
        assert question.reference_answer == answer


def test_the_junior_description_comes_from_the_role_paragraph():
    text = (seeds_dir() / "junior-backend-developer.txt").read_text(encoding="utf-8")
    description = QuestionSet.objects.get(slug=JUNIOR).description
    assert description.startswith("A Junior Backend Developer plays a vital role")
    assert description in text


def test_the_backend_description_is_the_documents_first_line():
    first, _ = backend_document()
    assert QuestionSet.objects.get(slug=BACKEND).description == first


def test_each_backend_paragraph_is_split_into_its_fields_without_loss():
    _, paragraphs = backend_document()
    assert len(paragraphs) == 16
    for question, paragraph in zip(questions_of(BACKEND), paragraphs, strict=True):
        sentences = split_sentences(paragraph)
        fields = [question.reference_answer, question.guidance]
        if question.slug in BACKEND_WRITTEN_INTENT:
            written = split_sentences(question.intent)
            assert len(written) == 1, question.slug
            assert written[0] not in paragraph, question.slug
        else:
            fields.append(question.intent)
        taken = [sentence for field in fields for sentence in split_sentences(field)]
        assert sorted(taken) == sorted(sentences), question.slug
        # Each field keeps the document's order, its sentences joined by single spaces.
        for field in fields:
            own = set(split_sentences(field))
            assert field == " ".join(s for s in sentences if s in own), question.slug
        # "Candidates should …" and "Look for candidates …" sentences are guidance.
        for sentence in sentences:
            in_guidance = sentence in split_sentences(question.guidance)
            assert in_guidance == sentence.startswith(GUIDANCE_OPENINGS), (question.slug, sentence)


def test_the_named_terms_table_covers_every_question():
    assert set(NAMED_TERMS) == set(Question.objects.values_list("question_set__slug", "slug"))


@pytest.mark.parametrize(
    ("key", "terms"), NAMED_TERMS.items(), ids=[f"{s}/{q}" for s, q in NAMED_TERMS]
)
def test_the_points_name_what_the_document_names(key, terms):
    set_slug, slug = key

    question = Question.objects.get_by_natural_key(set_slug, slug)
    points = " ".join(question.points.values_list("text", flat=True)).lower()
    missing = [term for term in terms if term.lower() not in points]
    assert missing == []
