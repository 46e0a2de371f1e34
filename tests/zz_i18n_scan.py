import re, html
from django.urls import reverse
from tests.factories import MatchFactory

def text(resp):
    s = resp.content.decode()
    s = re.sub(r'(?s)<script.*?</script>|<style.*?</style>', ' ', s)
    s = re.sub(r'<[^>]+>', '\n', s)
    return '\n'.join(l.strip() for l in html.unescape(s).splitlines() if l.strip())

def test_scan(client, roles):
    MatchFactory(scientist=roles.profile, project=roles.project)
    pages = {}
    pages['home-anon'] = text(client.get('/'))
    pages['signup'] = text(client.get(reverse('account_signup')))
    client.force_login(roles.scientist)
    for name in ['home', 'profiles:project_list', 'profiles:my_profile', 'matching:my_recommendations', 'agreements:list', 'account']:
        try:
            url = reverse(name)
        except Exception as e:
            continue
        pages[name] = text(client.get(url))
    pages['project_detail'] = text(client.get(reverse('profiles:project_detail', args=[roles.project.pk])))
    client.force_login(roles.coordinator)
    for name in ['home', 'agreements:dashboard', 'matching:coordinator', 'profiles:approvals', 'profiles:scientist_list']:
        pages['coord-'+name] = text(client.get(reverse(name)))
    client.force_login(roles.member)
    pages['member-home'] = text(client.get('/'))
    pages['member-myinst'] = text(client.get(reverse('profiles:my_institution')))
    with open('/tmp/i18n/scan/out.txt', 'w') as fh:
        for k, v in pages.items():
            fh.write(f'===== {k}\n{v}\n')
